// Command testenv runs Meridian's local test environment by hand: real kube-apiservers, etcd,
// kube-controller-manager, kube-scheduler and KWOK fake nodes on 127.0.0.1.
//
//	testenv build                      build the pinned binaries into the cache
//	testenv up [--members N] ...       start a host and N members; runs until Ctrl-C or `down`
//	testenv status                     show what `up` is running
//	testenv down                       stop it
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/meridian-dns/meridian/test/env"
)

const usage = `Usage: testenv <command> [flags]

Commands:
  build    build the pinned kube-apiserver, kube-controller-manager, kube-scheduler, kubectl,
           etcd, KWOK and external-dns binaries into the cache (%s);
           --bench also builds the tools only benchmarks run
  up       start a host cluster and member clusters on 127.0.0.1; stays in the foreground until
           Ctrl-C or 'testenv down'
  status   show the clusters and processes that 'up' runs
  down     stop the environment that 'up' runs

Run 'testenv <command> -h' for a command's flags.
`

func main() {
	err := run(os.Args[1:])
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return
	}
	fmt.Fprintln(os.Stderr, "testenv: error:", err)
	os.Exit(2)
}

func run(args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(os.Stderr, usage, env.CacheDir())
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	switch args[0] {
	case "build":
		return build(args[1:])
	case "up":
		return up(args[1:])
	case "status":
		return status(args[1:])
	case "down":
		return down(args[1:])
	default:
		return fmt.Errorf("unknown command %q (want build, up, status or down)", args[0])
	}
}

// newFlagSet makes a subcommand's flags; errors are returned, not printed with the whole usage.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses args, printing the subcommand's flags only when -h asks for them.
func parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(os.Stderr, "Usage: testenv %s [flags]\n\nFlags:\n", fs.Name())
		fs.SetOutput(os.Stderr)
		fs.PrintDefaults()
	}
	return err
}

func defaultDir() string { return filepath.Join(os.TempDir(), "meridian-testenv") }

func build(args []string) error {
	fs := newFlagSet("build")
	bench := fs.Bool("bench", false, "also build the tools only make bench runs (a current external-dns)")
	if err := parse(fs, args); err != nil {
		return err
	}
	bins, err := env.EnsureBinaries(context.Background(), os.Stdout)
	if err != nil {
		return err
	}
	fmt.Printf("binaries ready: Kubernetes %s in %s\n", bins.KubernetesVersion, filepath.Dir(bins.KubeAPIServer))
	if *bench {
		benchBins, err := env.EnsureBenchBinaries(context.Background(), os.Stdout)
		if err != nil {
			return err
		}
		fmt.Printf("benchmark tools ready: %s\n", benchBins.ExternalDNS)
	}
	return nil
}

func up(args []string) error {
	fs := newFlagSet("up")
	dir := fs.String("dir", defaultDir(), "folder for certificates, kubeconfig, data and logs")
	members := fs.Int("members", 2, "number of member clusters")
	regions := fs.String("regions", "", "comma-separated region of each member (default: distinct cloud regions)")
	if err := parse(fs, args); err != nil {
		return err
	}
	specs, err := memberSpecs(*members, *regions)
	if err != nil {
		return err
	}
	if st, err := env.ReadRunState(*dir); err == nil {
		return fmt.Errorf("an environment is already running in %s (pid %d); run 'testenv down --dir %s' first", *dir, st.PID, *dir)
	}
	// A previous run's data would otherwise be mixed with this one's.
	if err := os.RemoveAll(*dir); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e, err := env.Start(ctx, env.Options{Dir: *dir, Members: specs, Progress: os.Stdout})
	if err != nil {
		return err
	}
	st := &env.RunState{PID: os.Getpid(), Kubeconfig: e.KubeconfigPath, Started: time.Now(), Processes: e.ProcessStates(), Clusters: e.Specs()}
	if err := env.WriteRunState(*dir, st); err != nil {
		_ = e.Stop()
		return err
	}
	printAccess(e)
	<-ctx.Done()
	fmt.Println("\nstopping...")
	err = e.Stop()
	env.RemoveRunState(*dir)
	fmt.Println("stopped")
	return err
}

func memberSpecs(n int, regions string) ([]env.ClusterSpec, error) {
	if n < 1 || n > 20 {
		return nil, fmt.Errorf("--members must be between 1 and 20, got %d", n)
	}
	specs := env.DefaultMembers(n)
	if regions == "" {
		return specs, nil
	}
	list := strings.Split(regions, ",")
	if len(list) != n {
		return nil, fmt.Errorf("--regions lists %d regions for %d members; give one per member", len(list), n)
	}
	for i, r := range list {
		r = strings.TrimSpace(r)
		if r == "" {
			return nil, fmt.Errorf("--regions: region %d is empty", i+1)
		}
		specs[i].Region, specs[i].Zones = r, []string{r + "a"}
	}
	return specs, nil
}

func printAccess(e *env.Environment) {
	fmt.Printf("\nEnvironment is up. Reach the clusters with:\n\n")
	for _, c := range e.Clusters() {
		fmt.Printf("  kubectl --kubeconfig %s --context %s get nodes\n", e.KubeconfigPath, c.Name)
	}
	fmt.Printf("\n  (or: export KUBECONFIG=%s)\n\nLogs are in %s. Stop with Ctrl-C or '%s down --dir %s'.\n", e.KubeconfigPath, e.Dir, os.Args[0], e.Dir)
}

// runningState parses the --dir flag of status and down and reads what 'up' recorded there.
func runningState(command string, args []string) (*env.RunState, string, error) {
	fs := newFlagSet(command)
	dir := fs.String("dir", defaultDir(), "folder given to 'up'")
	if err := parse(fs, args); err != nil {
		return nil, "", err
	}
	st, err := env.ReadRunState(*dir)
	return st, *dir, err
}

func status(args []string) error {
	st, _, err := runningState("status", args)
	if err != nil {
		return err
	}
	fmt.Printf("testenv up (pid %d), started %s ago\nkubeconfig: %s\n\n", st.PID, time.Since(st.Started).Round(time.Second), st.Kubeconfig)
	for _, c := range st.Clusters {
		if c.Region == "" {
			fmt.Printf("  cluster %s\n", c.Name)
			continue
		}
		fmt.Printf("  cluster %s  region %s  zones %s\n", c.Name, c.Region, strings.Join(c.Zones, ","))
	}
	fmt.Println()
	for _, p := range st.Processes {
		state := "running"
		if !env.ProcessAlive(p.PID) {
			state = "stopped"
		}
		fmt.Printf("  %-32s pid %-8d %s\n", p.Name, p.PID, state)
	}
	return nil
}

func down(args []string) error {
	_, dir, err := runningState("down", args)
	if err != nil {
		return err
	}
	if err := env.StopRun(dir, 60*time.Second); err != nil {
		return err
	}
	fmt.Println("stopped")
	return nil
}
