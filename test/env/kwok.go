package env

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const kwokStagesFile = "kwok-stages.yaml"

// kwokStages are the stage files shipped in the KWOK module that make fake nodes Ready and
// move pods through Running/Ready to deletion, as a kubelet would. KWOK has no built-in stages.
var kwokStages = []string{
	"kustomize/stage/node/fast/node-initialize.yaml",
	"kustomize/stage/node/heartbeat/node-heartbeat.yaml",
	"kustomize/stage/pod/fast/pod-ready.yaml",
	"kustomize/stage/pod/fast/pod-complete.yaml",
	"kustomize/stage/pod/fast/pod-delete.yaml",
}

// writeKWOKStages joins the pinned module's stage files into one configuration for --config.
func writeKWOKStages(ctx context.Context, moduleDir, outDir string) error {
	cmd := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/kwok")
	cmd.Dir = moduleDir
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("locating the KWOK module: %w", commandError(err))
	}
	kwokDir := strings.TrimSpace(string(out))
	var all bytes.Buffer
	for _, stage := range kwokStages {
		data, err := os.ReadFile(filepath.Join(kwokDir, stage))
		if err != nil {
			return fmt.Errorf("reading KWOK stage: %w", err)
		}
		all.WriteString("---\n")
		all.Write(bytes.TrimSpace(data))
		all.WriteString("\n")
	}
	return os.WriteFile(filepath.Join(outDir, kwokStagesFile), all.Bytes(), 0o644)
}
