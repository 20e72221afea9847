// Command meridianctl manages a Meridian federation: joining member clusters, federating
// resources and running a local all-in-one environment. Its verbs arrive one issue at a time;
// this file wires the command tree.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/meridian-dns/meridian/version"
)

func main() {
	// Interrupting a join cancels it; it then rolls back what it created before exiting.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCommand(os.Stdout, os.Stderr).ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "meridianctl: error: %v\nRun 'meridianctl --help' for usage.\n", err)
		os.Exit(1)
	}
}

// rootOptions are the flags every command shares.
type rootOptions struct {
	kubeconfig string
}

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	opts := &rootOptions{}
	root := &cobra.Command{
		Use:   "meridianctl",
		Short: "Manage a Meridian multi-cluster federation and its global DNS",
		Long: `meridianctl manages a Meridian federation: member clusters that join a host cluster, the
resources federated to them, and the DNS names that answer with the nearest healthy cluster.`,
		Version: version.String(),
		// Errors are printed once by main, with a hint; usage is for --help.
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate("meridianctl {{.Version}}\n")
	root.PersistentFlags().StringVar(&opts.kubeconfig, "kubeconfig", "",
		"kubeconfig file (default: as kubectl, $KUBECONFIG or ~/.kube/config)")
	root.AddCommand(newVersionCommand(), newJoinCommand(opts), newUnjoinCommand(opts), newEnableCommand(opts), newDisableCommand(opts), newFederateCommand(opts),
		newUpCommand(opts), newDownCommand())
	return root
}

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the meridianctl version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), "meridianctl", version.String())
		},
	}
}
