package allinone

import (
	"fmt"
	"io"
	"os/exec"
	"strings"
	"text/tabwriter"
	"time"
)

// PrintTour prints what runs and the commands that show Meridian at work: dig from each
// region's client subnet, a shard taken down and brought back.
func (s *Stack) PrintTour(w io.Writer, stopHint string) {
	dig := fmt.Sprintf("dig @127.0.0.1 -p %d +short", s.CoreDNS.Port)
	kubectl := fmt.Sprintf("%s --kubeconfig %s --context %s", s.kubectl(), s.Kubeconfig, s.HostContext)
	fmt.Fprintf(w, "\nMeridian is up (%s). DNS: %s (UDP and TCP), zone %s.\n\n", time.Since(s.started).Round(time.Second), s.CoreDNS.Addr, Zone)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "  CLUSTER\tREGION\tZONES\tLOAD BALANCER")
	for _, m := range s.Members {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", m.Name, orNone(m.Region), orNone(strings.Join(m.Zones, ",")), orNone(m.LoadBalancer))
	}
	_ = tw.Flush()

	fmt.Fprintf(w, "\nThe app hello runs in every cluster; its global name answers with the nearest healthy one.\n")
	fmt.Fprintf(w, "gslb places a client by its EDNS Client Subnet (dig +subnet), else by its source address:\n\n")
	for _, r := range s.ClientSubnets {
		fmt.Fprintf(w, "  # a client in %s (subnet %s) gets the clusters of %s\n", r.Region, r.Subnet, r.Region)
		fmt.Fprintf(w, "  %s +subnet=%s %s\n", dig, clientIn(r.Subnet), GlobalName)
	}
	fmt.Fprintf(w, "  # a client no rule places gets every healthy cluster\n  %s %s\n", dig, GlobalName)
	if m := s.Members[0]; m.Region != "" {
		fmt.Fprintf(w, "  # names of one region and of one zone\n  %s hello.demo.global.svc.%s.%s\n", dig, m.Region, Zone)
		if len(m.Zones) > 0 {
			fmt.Fprintf(w, "  %s hello.demo.global.svc.%s.%s.%s\n", dig, m.Zones[0], m.Region, Zone)
		}
	}

	last := s.Members[len(s.Members)-1]
	fmt.Fprintf(w, "\nTake %s's shard down: an override on the host scales its Deployment to 0 replicas, its\n", last.Name)
	fmt.Fprintf(w, "endpoints stop being ready, and within a second its address leaves DNS:\n\n")
	fmt.Fprintf(w, "  %s -n demo patch federateddeployment hello --type=merge \\\n", kubectl)
	fmt.Fprintf(w, "    -p '{\"spec\":{\"overrides\":[{\"clusterName\":\"%s\",\"clusterOverrides\":[{\"path\":\"/spec/replicas\",\"value\":0}]}]}}'\n", last.Name)
	if r := s.subnetOf(last.Region); r != "" {
		fmt.Fprintf(w, "  %s +subnet=%s %s    # now another region's clusters\n", dig, clientIn(r), GlobalName)
	}
	fmt.Fprintf(w, "\nBring it back:\n\n  %s -n demo patch federateddeployment hello --type=json -p '[{\"op\":\"remove\",\"path\":\"/spec/overrides\"}]'\n", kubectl)
	fmt.Fprintf(w, "\n(Scaling the Deployment in the member itself would not last: the host's template wins.)\n")

	fmt.Fprintf(w, "\nLook around:\n\n")
	fmt.Fprintf(w, "  %s get kubefedclusters,servicednsrecords,dnsendpoints -A\n", kubectl)
	fmt.Fprintf(w, "  %s -n demo describe servicednsrecord hello\n", kubectl)
	fmt.Fprintf(w, "\nLogs are in %s. %s\n", s.Dir, stopHint)
}

func (s *Stack) subnetOf(region string) string {
	for _, r := range s.ClientSubnets {
		if r.Region == region {
			return r.Subnet
		}
	}
	return ""
}

// clientIn is a /24 inside a region's /16: what a resolver would send for one of its clients.
func clientIn(subnet string) string {
	return strings.Replace(subnet, ".0.0/16", ".7.0/24", 1)
}

// kubectl is kubectl on PATH, else the one the local clusters were built with.
func (s *Stack) kubectl() string {
	if path, err := exec.LookPath("kubectl"); err == nil && path != "" {
		return "kubectl"
	}
	if s.Env != nil {
		return s.Env.Binaries.Kubectl
	}
	return "kubectl"
}
