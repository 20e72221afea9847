package env

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// BuildCommand builds ./cmd/<name> of this repository into bin/<name> and returns its path. The
// Go build cache makes this cheap when nothing changed; test packages running in parallel take
// turns.
func BuildCommand(ctx context.Context, name string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	binDir := filepath.Join(root, "bin")
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return "", err
	}
	unlock, err := lockFile(filepath.Join(binDir, ".build.lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	out := filepath.Join(binDir, name)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/"+name)
	cmd.Dir = root
	if output, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building cmd/%s: %w\n%s", name, err, output)
	}
	return out, nil
}
