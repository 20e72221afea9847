package main

import (
	"github.com/spf13/cobra"

	"github.com/meridian-dns/meridian/federation/typeconfig"
)

func newDisableCommand(root *rootOptions) *cobra.Command {
	var opts typeconfig.DisableOptions
	cmd := &cobra.Command{
		Use:   "disable TYPE",
		Short: "Stop the federation of a resource type",
		Long: `disable turns propagation of a type off, as kubefedctl disable did: its FederatedTypeConfig's
spec.propagation becomes Disabled and the sync controller for the type stops. Federated objects
and the copies in member clusters stay as they are; enable turns propagation on again.

With --delete-crd it deletes the FederatedTypeConfig and the Federated<Kind> CRD instead, but
only when no Federated<Kind> object is left anywhere: deleting the CRD would delete them too.
It never deletes the CRD of any other kind.`,
		Example: `  meridianctl disable deployments.apps --host-cluster-context host
  meridianctl disable widgets.example.com --delete-crd`,
		Args: exactArgs("disable", "the TYPE to disable"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Type = args[0]
			opts.Kubeconfig = root.kubeconfig
			opts.Progress = cmd.OutOrStdout()
			return typeconfig.Disable(cmd.Context(), opts)
		},
	}
	addHostFlags(cmd, &opts.HostOptions)
	cmd.Flags().BoolVar(&opts.DeleteCRD, "delete-crd", false,
		"delete the FederatedTypeConfig and the Federated<Kind> CRD (refused while Federated<Kind> objects exist)")
	return cmd
}
