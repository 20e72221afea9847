package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/meridian-dns/meridian/federation/join"
	"github.com/meridian-dns/meridian/federation/typeconfig"
)

func newEnableCommand(root *rootOptions) *cobra.Command {
	var opts typeconfig.EnableOptions
	var output string
	cmd := &cobra.Command{
		Use:   "enable TYPE",
		Short: "Enable federation of a resource type",
		Long: `enable makes a resource type federated, as kubefedctl enable did: it installs the CRD of
Federated<Kind> (group types.kubefed.io, version v1beta1, plural federated<plural>) in the host
and writes the FederatedTypeConfig <plural>.<group> that turns its propagation on.

TYPE is resolved through the host's discovery as kubectl resolves it: a kind (Deployment), a
plural (deployments), singular or short name (deploy), or a qualified name (deployments.apps,
Deployment.v1.apps); types from CRDs installed in the host work the same way.

Members joined before a type outside KubeFed's defaults was enabled must join again, so that
their ClusterRole grants it; enable prints the commands.`,
		Example: `  meridianctl enable deployments.apps --host-cluster-context host
  meridianctl enable widgets.example.com
  meridianctl enable Widget -o yaml > federated-widget.yaml`,
		Args: exactArgs("enable", "the TYPE to enable"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			opts.Type = args[0]
			opts.Kubeconfig = root.kubeconfig
			opts.DryRun = output != ""
			if !opts.DryRun {
				opts.Progress = cmd.OutOrStdout()
			}
			objs, err := typeconfig.Enable(cmd.Context(), opts)
			if err != nil || !opts.DryRun {
				return err
			}
			return printYAML(cmd.OutOrStdout(), objs)
		},
	}
	addHostFlags(cmd, &opts.HostOptions)
	cmd.Flags().StringVar(&opts.Group, "federated-group", "types.kubefed.io", "API group of the federated type")
	cmd.Flags().StringVar(&opts.Version, "federated-version", "v1beta1", "API version of the federated type")
	addOutputFlag(cmd, &output, "print the CRD and the FederatedTypeConfig instead of creating them")
	return cmd
}

// addHostFlags adds the flags enable, disable and federate share.
func addHostFlags(cmd *cobra.Command, o *typeconfig.HostOptions) {
	fs := cmd.Flags()
	fs.StringVar(&o.Context, "host-cluster-context", "", "kubeconfig context of the host cluster (default: the current context)")
	fs.StringVar(&o.Namespace, "kubefed-namespace", join.DefaultNamespace, "namespace of the FederatedTypeConfigs and KubeFedClusters in the host")
}

func addOutputFlag(cmd *cobra.Command, output *string, usage string) {
	cmd.Flags().StringVarP(output, "output", "o", "", "output format: yaml ("+usage+")")
}

func checkOutput(output string) error {
	if output != "" && output != "yaml" {
		return fmt.Errorf("unsupported output format %q: the only one is yaml", output)
	}
	return nil
}

// exactArgs requires the one argument, saying what it is.
func exactArgs(verb, what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != 1 {
			return fmt.Errorf("%s needs exactly one argument, %s (got %d)", verb, what, len(args))
		}
		return nil
	}
}
