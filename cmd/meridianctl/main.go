// Command meridianctl manages a Meridian federation: joining member clusters, federating
// resources and running a local all-in-one environment. Its verbs arrive one issue at a time;
// this file wires the command tree.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/meridian-dns/meridian/version"
)

func main() {
	if err := newRootCommand(os.Stdout, os.Stderr).Execute(); err != nil {
		fmt.Fprintf(os.Stderr, "meridianctl: error: %v\nRun 'meridianctl --help' for usage.\n", err)
		os.Exit(1)
	}
}

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
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
	root.AddCommand(newVersionCommand())
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
