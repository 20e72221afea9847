package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/meridian-dns/meridian/allinone"
	"github.com/meridian-dns/meridian/test/env"
)

// upMarker marks a folder as `up`'s, so that a later `up` may empty it and no other folder.
const upMarker = ".meridian-up"

func defaultUpDir() string { return filepath.Join(os.TempDir(), "meridian-up") }

// defaultUpMembers: three members in two regions, two of them in one region's two zones, so
// the tour can show region, zone and cross-region failover.
var defaultUpMembers = []string{"east-a:us-east-1:us-east-1a", "east-b:us-east-1:us-east-1b", "west:eu-west-1:eu-west-1a"}

func newUpCommand(root *rootOptions) *cobra.Command {
	var opts allinone.Options
	var members []string
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Run a whole federation on this machine: clusters, etcd, the controller, CoreDNS with gslb",
		Long: `up runs Meridian end to end on this machine, with no cloud account: a host and three member
clusters in two regions (real kube-apiservers with fake nodes, on 127.0.0.1), etcd embedded in
meridianctl for the DNS records, meridian-controller publishing to it, and CoreDNS with the gslb
plugin answering on 127.0.0.1. It joins the members, applies the example app (examples/) with a
simulated load-balancer address per cluster, and prints a tour of dig commands.

It stays in the foreground until Ctrl-C or 'meridianctl down', then stops everything it started.
The first run builds the pinned Kubernetes binaries from source (about 10 minutes on 2 cores).

With --host-context and --member-context it uses existing clusters of the kubeconfig instead
(kind clusters, say): etcd, the controller and CoreDNS still run here.`,
		Example: `  meridianctl up
  meridianctl up --member us:us-east-1 --member eu:eu-west-1 --dns-port 0
  meridianctl up --kubeconfig ~/.kube/config --host-context kind-host \
      --member-context kind-east --member-context west=kind-west`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			specs, err := parseMembers(members)
			if err != nil {
				return err
			}
			opts.Members, opts.Kubeconfig, opts.Progress = specs, root.kubeconfig, out
			if err := prepareUpDir(opts.Dir); err != nil {
				return err
			}
			ctx := cmd.Context()
			stack, err := allinone.Up(ctx, opts)
			if err != nil {
				return err
			}
			st := &env.RunState{PID: os.Getpid(), Kubeconfig: stack.Kubeconfig, Started: time.Now(), Processes: stack.Processes(), DNS: stack.CoreDNS.Addr}
			if stack.Env != nil {
				st.Clusters = stack.Env.Specs()
			}
			if err := env.WriteRunState(opts.Dir, st); err != nil {
				_ = stack.Stop()
				return err
			}
			stack.PrintTour(out, fmt.Sprintf("Stop with Ctrl-C or 'meridianctl down --dir %s'.", opts.Dir))
			<-ctx.Done()
			fmt.Fprintln(out, "\nstopping...")
			err = stack.Stop()
			env.RemoveRunState(opts.Dir)
			fmt.Fprintln(out, "stopped")
			return err
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.Dir, "dir", defaultUpDir(), "folder for the clusters' data, etcd, the Corefile and the logs (emptied first)")
	fs.StringArrayVar(&members, "member", defaultUpMembers, "a local member cluster, NAME:REGION[:ZONE] (zone default REGION+\"a\"); repeat for each")
	fs.IntVar(&opts.DNSPort, "dns-port", 1053, "port of CoreDNS on 127.0.0.1 (UDP and TCP); 0 picks a free one")
	fs.StringSliceVar(&opts.EtcdEndpoints, "etcd-endpoints", nil, "etcd to publish the DNS records to (default: one embedded in meridianctl)")
	fs.StringVar(&opts.HostContext, "host-context", "", "use this kubeconfig context as the host instead of starting local clusters")
	fs.StringArrayVar(&opts.MemberContexts, "member-context", nil, "with --host-context: a member, CONTEXT or NAME=CONTEXT; repeat for each")
	fs.BoolVar(&opts.SimulateLoadBalancers, "simulate-load-balancers", false,
		"with --host-context: give LoadBalancer Services an address, for clusters without a load-balancer controller (always on for local clusters)")
	return cmd
}

// parseMembers turns NAME:REGION[:ZONE] flags into cluster specs.
func parseMembers(flags []string) ([]env.ClusterSpec, error) {
	var specs []env.ClusterSpec
	for _, f := range flags {
		parts := strings.Split(f, ":")
		if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
			return nil, fmt.Errorf("--member %q: want NAME:REGION or NAME:REGION:ZONE, such as west:eu-west-1:eu-west-1a", f)
		}
		zone := parts[1] + "a"
		if len(parts) == 3 && parts[2] != "" {
			zone = parts[2]
		}
		specs = append(specs, env.ClusterSpec{Name: parts[0], Region: parts[1], Zones: []string{zone}})
	}
	return specs, nil
}

// prepareUpDir empties dir for a new run, refusing while another run uses it and refusing to
// empty a folder `up` did not make.
func prepareUpDir(dir string) error {
	if st, err := env.ReadRunState(dir); err == nil {
		return fmt.Errorf("meridianctl up is already running in %s (pid %d); run 'meridianctl down --dir %s' first", dir, st.PID, dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(dir, upMarker)); err != nil {
			return fmt.Errorf("--dir %s is not empty and was not made by meridianctl up: choose another folder", dir)
		}
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, upMarker), nil, 0o600)
}

func newDownCommand() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Stop what 'meridianctl up' runs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := env.StopRun(dir, 2*time.Minute); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "stopped")
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", defaultUpDir(), "the folder given to 'meridianctl up'")
	return cmd
}
