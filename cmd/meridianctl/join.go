package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/meridian-dns/meridian/federation/join"
)

func newJoinCommand(root *rootOptions) *cobra.Command {
	var opts join.JoinOptions
	cmd := &cobra.Command{
		Use:   "join NAME --host-cluster-context HOST",
		Short: "Register a member cluster with the host cluster",
		Long: `join registers the cluster of kubeconfig context --cluster-context (default NAME) as member NAME
of the federation whose host is --host-cluster-context, as kubefedctl join did: a ServiceAccount
with the least rights Meridian needs in the member, its token in a Secret in the host, and a
KubeFedCluster NAME pointing at the member's API server. The member's rights cover KubeFed's
default kinds and the kind of every FederatedTypeConfig in the host; join again after enabling
another kind.

Both clusters are checked before anything is created; if a step fails, what was created is
deleted again. Joining again updates what an earlier join created (after the member's address
changed, for example) and never touches objects meridianctl did not create.`,
		Example: `  meridianctl join us-east-1 --cluster-context kind-us-east-1 --host-cluster-context kind-host
  meridianctl join member1 --host-cluster-context kubernetes-admin@kubernetes`,
		Args: nameArg("join"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ClusterName = args[0]
			opts.Kubeconfig = root.kubeconfig
			opts.Progress = cmd.OutOrStdout()
			return join.Join(cmd.Context(), opts)
		},
	}
	addClusterFlags(cmd, &opts.Clusters)
	cmd.Flags().StringVar(&opts.SecretName, "secret-name", "",
		"name of the Secret in the host that holds the member's token (default NAME-token)")
	cmd.Flags().BoolVar(&opts.ErrorOnExisting, "error-on-existing", false,
		"fail if any object to create already exists, instead of updating what an earlier join created")
	return cmd
}

// addClusterFlags adds the flags join and unjoin share.
func addClusterFlags(cmd *cobra.Command, c *join.Clusters) {
	fs := cmd.Flags()
	fs.StringVar(&c.ClusterContext, "cluster-context", "", "kubeconfig context of the member cluster (default NAME)")
	fs.StringVar(&c.HostContext, "host-cluster-context", "", "kubeconfig context of the host cluster (required)")
	fs.StringVar(&c.HostClusterName, "host-cluster-name", "",
		"the host's name in member-side object names (default: --host-cluster-context made into a DNS label)")
	fs.StringVar(&c.Namespace, "kubefed-namespace", join.DefaultNamespace,
		"namespace of the KubeFedClusters in the host and of the member's credentials")
	if err := cmd.MarkFlagRequired("host-cluster-context"); err != nil {
		panic(err) // only if the flag is not defined: a programming error
	}
}

// nameArg requires the one NAME argument, saying what it is.
func nameArg(verb string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != 1 {
			return fmt.Errorf("%s needs exactly one argument, the member's NAME in the federation (got %d)", verb, len(args))
		}
		return nil
	}
}
