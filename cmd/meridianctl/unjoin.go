package main

import (
	"github.com/spf13/cobra"

	"github.com/meridian-dns/meridian/federation/join"
)

func newUnjoinCommand(root *rootOptions) *cobra.Command {
	var opts join.UnjoinOptions
	cmd := &cobra.Command{
		Use:   "unjoin NAME --host-cluster-context HOST",
		Short: "Remove a member cluster from the host cluster",
		Long: `unjoin removes what join created: the KubeFedCluster NAME and its Secret in the host, the
ServiceAccount, token Secret and RBAC in the member, and the namespace where join created it and
nothing of another member is left in it. Unless --keep-resources is given, it also deletes every
object federated into the member (labelled kubefed.io/managed=true).

If the member cannot be reached, the host is cleaned up all the same and the error lists what is
left in the member; run unjoin again once the member is reachable.`,
		Example: `  meridianctl unjoin us-east-1 --cluster-context kind-us-east-1 --host-cluster-context kind-host`,
		Args:    nameArg("unjoin"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ClusterName = args[0]
			opts.Kubeconfig = root.kubeconfig
			opts.Progress = cmd.OutOrStdout()
			return join.Unjoin(cmd.Context(), opts)
		},
	}
	addClusterFlags(cmd, &opts.Clusters)
	cmd.Flags().BoolVar(&opts.KeepResources, "keep-resources", false,
		"leave the objects federated into the member (labelled kubefed.io/managed=true) in place")
	return cmd
}
