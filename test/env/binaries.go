package env

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// binary is one main package of a tool module and the file name it is built as.
type binary struct{ name, pkg string }

// toolModule is one module under tools/ that pins the version of the binaries built from it.
// Its go.mod is the single place where that version is set; the cache key is derived from it.
type toolModule struct {
	dir       string // folder under tools/
	module    string // the upstream module whose version is reported
	binaries  []binary
	ldflags   func(moduleDir, version string) string
	estimate  string // cold build time on a 2-core machine, for progress messages
	postBuild func(ctx context.Context, moduleDir, outDir string) error
	// benchOnly tools are built by EnsureBenchBinaries, for make bench, not by EnsureBinaries.
	benchOnly bool
}

var toolModules = []toolModule{
	{
		dir:    "kubernetes",
		module: "k8s.io/kubernetes",
		binaries: []binary{
			{"kube-apiserver", "k8s.io/kubernetes/cmd/kube-apiserver"},
			{"kube-controller-manager", "k8s.io/kubernetes/cmd/kube-controller-manager"},
			{"kube-scheduler", "k8s.io/kubernetes/cmd/kube-scheduler"},
			{"kubectl", "k8s.io/kubernetes/cmd/kubectl"},
		},
		ldflags:  kubernetesLDFlags,
		estimate: "about 5 minutes",
	},
	{dir: "etcd", module: "go.etcd.io/etcd/server/v3", binaries: []binary{{"etcd", "go.etcd.io/etcd/server/v3"}}, estimate: "about 40 seconds"},
	{
		dir:       "kwok",
		module:    "sigs.k8s.io/kwok",
		binaries:  []binary{{"kwok", "sigs.k8s.io/kwok/cmd/kwok"}},
		estimate:  "about a minute",
		postBuild: writeKWOKStages,
	},
	{
		dir:      "external-dns",
		module:   "sigs.k8s.io/external-dns",
		binaries: []binary{{"external-dns", "sigs.k8s.io/external-dns"}},
		ldflags:  externalDNSLDFlags,
		estimate: "about 10 minutes: it compiles every cloud provider's SDK",
	},
	{
		dir:       "external-dns-bench",
		module:    "sigs.k8s.io/external-dns",
		binaries:  []binary{{"external-dns", "sigs.k8s.io/external-dns"}},
		ldflags:   externalDNSLDFlags,
		estimate:  "about 10 minutes: it compiles every cloud provider's SDK",
		benchOnly: true,
	},
	{
		dir:      "helm",
		module:   "helm.sh/helm/v3",
		binaries: []binary{{"helm", "helm.sh/helm/v3/cmd/helm"}},
		ldflags:  helmLDFlags,
		estimate: "about 2 minutes",
	},
}

// helmLDFlags stamps what Helm's own Makefile stamps: without it `helm version` says v3.22 and
// `helm template` / `helm lint` assume Kubernetes v1.20.0 (.Capabilities.KubeVersion). The
// Kubernetes version is client-go's minor + 1.x, as in Helm's releases.
func helmLDFlags(moduleDir, version string) string {
	flags := []string{
		"-X helm.sh/helm/v3/internal/version.version=" + version,
		"-X helm.sh/helm/v3/internal/version.gitTreeState=clean",
	}
	clientGo, err := goListVersion(context.Background(), moduleDir, "k8s.io/client-go")
	if parts := strings.Split(strings.TrimPrefix(clientGo, "v"), "."); err == nil && len(parts) >= 2 {
		for _, pkg := range []string{"helm.sh/helm/v3/pkg/lint/rules", "helm.sh/helm/v3/pkg/chartutil"} {
			flags = append(flags, "-X "+pkg+".k8sVersionMajor=1", "-X "+pkg+".k8sVersionMinor="+parts[1])
		}
	}
	return strings.Join(flags, " ")
}

// externalDNSLDFlags stamps the version, or external-dns --version says "unknown".
func externalDNSLDFlags(_, version string) string {
	return "-X sigs.k8s.io/external-dns/pkg/apis/externaldns.Version=" + version
}

// kubernetesLDFlags stamps the version, or the binaries report v0.0.0-master.
func kubernetesLDFlags(_, version string) string {
	minor := strings.Split(strings.TrimPrefix(version, "v"), ".")[1]
	var flags []string
	for _, pkg := range []string{"k8s.io/component-base/version", "k8s.io/client-go/pkg/version"} {
		flags = append(flags,
			"-X "+pkg+".gitVersion="+version,
			"-X "+pkg+".gitMajor=1",
			"-X "+pkg+".gitMinor="+minor,
			"-X "+pkg+".gitTreeState=clean")
	}
	return strings.Join(flags, " ")
}

// Binaries are the paths of the built tools.
type Binaries struct {
	KubeAPIServer         string
	KubeControllerManager string
	KubeScheduler         string
	Kubectl               string
	Etcd                  string
	KWOK                  string
	KWOKStages            string // KWOK stage configuration: nodes Ready, pods Running and Ready
	ExternalDNS           string // stock external-dns, for interop tests with Meridian's DNSEndpoints
	Helm                  string // Helm v3, for the chart tests (lint, template)
	KubernetesVersion     string
}

// CacheDir is where built tools are kept across clones: $MERIDIAN_CACHE, else ~/.cache/meridian.
func CacheDir() string {
	if dir := os.Getenv("MERIDIAN_CACHE"); dir != "" {
		return dir
	}
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "meridian")
	}
	return filepath.Join(os.TempDir(), "meridian-cache")
}

// EnsureBinaries builds every pinned tool that is not in the cache yet and returns their paths.
// It prints progress to w. Concurrent callers (parallel test packages) wait for one another.
func EnsureBinaries(ctx context.Context, w io.Writer) (*Binaries, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	cache := CacheDir()
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, fmt.Errorf("creating cache folder: %w", err)
	}
	unlock, err := lockFile(filepath.Join(cache, ".build.lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()

	dirs, versions, err := ensureTools(ctx, root, cache, w, false)
	if err != nil {
		return nil, err
	}
	k8s := dirs["kubernetes"]
	return &Binaries{
		KubeAPIServer:         filepath.Join(k8s, "kube-apiserver"),
		KubeControllerManager: filepath.Join(k8s, "kube-controller-manager"),
		KubeScheduler:         filepath.Join(k8s, "kube-scheduler"),
		Kubectl:               filepath.Join(k8s, "kubectl"),
		Etcd:                  filepath.Join(dirs["etcd"], "etcd"),
		KWOK:                  filepath.Join(dirs["kwok"], "kwok"),
		KWOKStages:            filepath.Join(dirs["kwok"], kwokStagesFile),
		ExternalDNS:           filepath.Join(dirs["external-dns"], "external-dns"),
		Helm:                  filepath.Join(dirs["helm"], "helm"),
		KubernetesVersion:     versions["kubernetes"],
	}, nil
}

// ensureTools builds the tool modules that are (benchOnly) or are not for benchmarks only, and
// returns the folder and version of each by its dir. The caller holds the cache lock.
func ensureTools(ctx context.Context, root, cache string, w io.Writer, benchOnly bool) (dirs, versions map[string]string, err error) {
	dirs, versions = map[string]string{}, map[string]string{}
	for _, m := range toolModules {
		if m.benchOnly != benchOnly {
			continue
		}
		version, outDir, err := m.ensure(ctx, filepath.Join(root, "tools", m.dir), cache, w)
		if err != nil {
			return nil, nil, err
		}
		dirs[m.dir], versions[m.dir] = outDir, version
	}
	return dirs, versions, nil
}

// BenchBinaries are the tools only benchmarks run.
type BenchBinaries struct {
	// ExternalDNS is a current external-dns (v0.21.0), compared with Meridian on the Route 53 fake.
	ExternalDNS string
}

// EnsureBenchBinaries builds the benchmark-only tools that are not in the cache yet.
func EnsureBenchBinaries(ctx context.Context, w io.Writer) (*BenchBinaries, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	cache := CacheDir()
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, fmt.Errorf("creating cache folder: %w", err)
	}
	unlock, err := lockFile(filepath.Join(cache, ".build.lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()
	dirs, _, err := ensureTools(ctx, root, cache, w, true)
	if err != nil {
		return nil, err
	}
	return &BenchBinaries{ExternalDNS: filepath.Join(dirs["external-dns-bench"], "external-dns")}, nil
}

// ensure builds m into cache/<dir>-<version>-<key> unless a complete build is there already.
func (m toolModule) ensure(ctx context.Context, moduleDir, cache string, w io.Writer) (version, outDir string, err error) {
	key, err := m.cacheKey(moduleDir)
	if err != nil {
		return "", "", err
	}
	version, err = goListVersion(ctx, moduleDir, m.module)
	if err != nil {
		return "", "", err
	}
	outDir = filepath.Join(cache, fmt.Sprintf("%s-%s-%s", m.dir, version, key))
	stamp := filepath.Join(outDir, ".complete")
	if _, err := os.Stat(stamp); err == nil {
		return version, outDir, nil
	}
	var names []string
	for _, b := range m.binaries {
		names = append(names, b.name)
	}
	fmt.Fprintf(w, "building %s %s from tools/%s (first time only, %s)...\n", strings.Join(names, ", "), version, m.dir, m.estimate)
	start := time.Now()
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", "", err
	}
	for _, b := range m.binaries {
		args := []string{"build", "-trimpath", "-o", filepath.Join(outDir, b.name)}
		if m.ldflags != nil {
			args = append(args, "-ldflags", m.ldflags(moduleDir, version))
		}
		if err := runWithHeartbeat(ctx, w, moduleDir, "go", append(args, b.pkg)...); err != nil {
			return "", "", fmt.Errorf("building %s from tools/%s: %w", b.name, m.dir, err)
		}
	}
	if m.postBuild != nil {
		if err := m.postBuild(ctx, moduleDir, outDir); err != nil {
			return "", "", err
		}
	}
	if err := os.WriteFile(stamp, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644); err != nil {
		return "", "", err
	}
	fmt.Fprintf(w, "built %s in %s\n", strings.Join(names, ", "), time.Since(start).Round(time.Second))
	pruneSuperseded(cache, m.dir, outDir)
	return version, outDir, nil
}

// pruneSuperseded removes earlier builds of the same tool module (hundreds of MB each). Builds
// are named <dir>-<version>-<key> and versions start with v, so external-dns-v* never matches
// external-dns-bench's builds.
func pruneSuperseded(cache, dir, keep string) {
	old, _ := filepath.Glob(filepath.Join(cache, dir+"-v*"))
	for _, o := range old {
		if o != keep {
			_ = os.RemoveAll(o)
		}
	}
}

// cacheKey changes whenever the pinned versions (go.mod, go.sum) or the Go toolchain change.
func (m toolModule) cacheKey(moduleDir string) (string, error) {
	h := sha256.New()
	for _, f := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(moduleDir, f))
		if err != nil {
			return "", fmt.Errorf("reading the pinned versions of tools/%s: %w", m.dir, err)
		}
		h.Write(data)
	}
	h.Write([]byte(runtime.Version()))
	for _, b := range m.binaries {
		h.Write([]byte(b.name + "=" + b.pkg + ","))
	}
	if m.ldflags != nil {
		h.Write([]byte(m.ldflags(moduleDir, "v0.0.0")))
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

func goListVersion(ctx context.Context, moduleDir, module string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Version}}", module)
	cmd.Dir = moduleDir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("reading the version of %s in %s: %w", module, moduleDir, commandError(err))
	}
	return strings.TrimSpace(string(out)), nil
}

// runWithHeartbeat runs a long command, printing a line every 30 s so a person knows it is alive.
func runWithHeartbeat(ctx context.Context, w io.Writer, dir, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	start := time.Now()
	tick := time.NewTicker(30 * time.Second)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, stderr.String())
			}
			return nil
		case <-tick.C:
			fmt.Fprintf(w, "  ... still building (%s)\n", time.Since(start).Round(time.Second))
		}
	}
}

func commandError(err error) error {
	var exit *exec.ExitError
	if errors.As(err, &exit) && len(exit.Stderr) > 0 {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(exit.Stderr)))
	}
	return err
}

// lockFile takes an exclusive advisory lock on path, waiting for other holders.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
