package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/meridian-dns/meridian/federation/federate"
)

func newFederateCommand(root *rootOptions) *cobra.Command {
	var opts federate.Options
	var output string
	cmd := &cobra.Command{
		Use:   "federate TYPE NAME",
		Short: "Federate an object that exists in the host",
		Long: `federate creates the Federated<Kind> of an object in the host, as kubefedctl federate did: same
name and namespace, spec.template the object without what the cluster set (uid, resourceVersion,
status, a Service's cluster IPs and node ports, a Job's generated selector, ...), and
spec.placement.clusterSelector: {} so it goes to every member cluster.

For a namespace (federate namespace NAME), the FederatedNamespace goes in that namespace;
--contents also federates every object in it of every enabled type, except what Kubernetes or a
controller made (objects with owners, kube-root-ca.crt, the default ServiceAccount,
service-account tokens). Federated objects that already exist are never overwritten: an error
for the object named, left as they are with --contents, so it can be run again as the namespace
fills.`,
		Example: `  meridianctl federate deployment web -n shop --host-cluster-context host
  meridianctl federate namespace shop --contents
  meridianctl federate widget w1 -n shop --enable-type -o yaml`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return fmt.Errorf("federate needs two arguments, the object's TYPE and NAME (got %d)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			opts.Type, opts.Name = args[0], args[1]
			opts.Kubeconfig = root.kubeconfig
			opts.DryRun = output != ""
			if !opts.DryRun {
				opts.Progress = cmd.OutOrStdout()
			}
			objs, err := federate.Federate(cmd.Context(), opts)
			if err != nil || !opts.DryRun {
				return err
			}
			return printYAML(cmd.OutOrStdout(), objs)
		},
	}
	addHostFlags(cmd, &opts.HostOptions)
	fs := cmd.Flags()
	fs.StringVarP(&opts.Namespace, "namespace", "n", "", "namespace of the object (default: the context's namespace)")
	fs.BoolVar(&opts.Contents, "contents", false, "with a namespace: also federate the objects in it of every enabled type")
	fs.BoolVar(&opts.EnableType, "enable-type", false, "enable the type first if it is not enabled (as meridianctl enable)")
	addOutputFlag(cmd, &output, "print the federated objects instead of creating them")
	return cmd
}
