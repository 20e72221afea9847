package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/meridian-dns/meridian/controllers/publish"
	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/providers/clouddns"
	etcdprovider "github.com/meridian-dns/meridian/providers/etcd"
	"github.com/meridian-dns/meridian/providers/registry"
	"github.com/meridian-dns/meridian/providers/route53"
	"github.com/meridian-dns/meridian/skydns"
)

// etcdPasswordEnv holds the etcd password: a flag would show it in ps and in the Pod spec.
const etcdPasswordEnv = "MERIDIAN_ETCD_PASSWORD"

// publishOptions choose the DNS provider the DNSEndpoints are published to.
type publishOptions struct {
	provider       string
	zones          listFlag
	owner          string
	repairInterval time.Duration
	etcd           etcdprovider.Config
	etcdEndpoints  listFlag
	route53        route53.Config
	cloudDNS       clouddns.Config
}

// listFlag is a flag that may be repeated or given a comma-separated list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

func (o *publishOptions) bind(fs *flag.FlagSet) {
	fs.StringVar(&o.provider, "provider", "none", "DNS provider to publish DNSEndpoints to: etcd (served by CoreDNS with the gslb plugin), route53, clouddns, or none to leave them to external-dns")
	fs.Var(&o.zones, "zone", "DNS zone the provider manages, e.g. example.com (repeat or comma-separate); required with --provider")
	fs.StringVar(&o.owner, "owner-id", publish.DefaultOwner, "owner id recorded with every record Meridian creates; records of other owners are never changed")
	fs.DurationVar(&o.repairInterval, "publish-repair-interval", publish.DefaultRepairInterval, "how often the provider's records are read again to repair drift")
	fs.Var(&o.etcdEndpoints, "etcd-endpoints", "etcd client URLs for --provider=etcd (default http://127.0.0.1:2379)")
	fs.StringVar(&o.etcd.Prefix, "etcd-prefix", skydns.DefaultPrefix, "etcd key prefix of the SkyDNS records")
	fs.StringVar(&o.etcd.CertFile, "etcd-cert-file", "", "client certificate for etcd TLS")
	fs.StringVar(&o.etcd.KeyFile, "etcd-key-file", "", "client key for etcd TLS")
	fs.StringVar(&o.etcd.CAFile, "etcd-ca-file", "", "CA bundle that signed etcd's server certificate")
	fs.StringVar(&o.etcd.Username, "etcd-username", "", "etcd user (the password is read from $"+etcdPasswordEnv+")")
	fs.StringVar(&o.route53.Endpoint, "route53-endpoint", "", "Route 53 API URL instead of AWS's (a test fake); credentials come from the standard AWS chain")
	fs.Float64Var(&o.route53.RequestsPerSecond, "route53-requests-per-second", 5, "Route 53 calls per second at most (the account's limit is 5, shared by every client)")
	fs.StringVar(&o.route53.DefaultRegion, "route53-default-region", "us-east-1", "AWS region of latency records for clusters without a region label")
	fs.StringVar(&o.cloudDNS.Project, "clouddns-project", "", "Google Cloud project of the Cloud DNS zones (required with --provider=clouddns)")
	fs.StringVar(&o.cloudDNS.Endpoint, "clouddns-endpoint", "", "Cloud DNS API URL instead of Google's (a test fake; no credentials are sent)")
	fs.Float64Var(&o.cloudDNS.RequestsPerSecond, "clouddns-requests-per-second", 5, "Cloud DNS calls per second at most")
}

func (o *publishOptions) validate() error {
	switch o.provider {
	case "none":
		return nil
	case "etcd", "route53":
	case "clouddns":
		if o.cloudDNS.Project == "" {
			return errors.New("--clouddns-project: name the Google Cloud project of the zones")
		}
	default:
		return fmt.Errorf("--provider %q: must be etcd, route53, clouddns or none", o.provider)
	}
	if len(o.zones) == 0 {
		return errors.New("--zone: name the DNS zones the provider manages, e.g. --zone=example.com")
	}
	if o.repairInterval < time.Minute {
		return fmt.Errorf("--publish-repair-interval %v: must be at least 1m", o.repairInterval)
	}
	if (o.etcd.CertFile == "") != (o.etcd.KeyFile == "") {
		return errors.New("--etcd-cert-file and --etcd-key-file go together")
	}
	return nil
}

// setUpPublishing adds the publish controller for the chosen provider, if any.
func setUpPublishing(ctx context.Context, mgr ctrl.Manager, o *publishOptions) error {
	if o.provider == "none" {
		return nil
	}
	provider, err := o.newProvider(ctx)
	if err != nil {
		return fmt.Errorf("--provider=%s: %w", o.provider, err)
	}
	c := &publish.Controller{
		Client:         mgr.GetClient(),
		Recorder:       mgr.GetEventRecorder("meridian-publish"),
		Provider:       registry.New(provider, o.owner),
		Owner:          o.owner,
		Zones:          o.zones,
		RepairInterval: o.repairInterval,
	}
	if err := c.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the publish controller: %w", err)
	}
	ctrl.Log.Info("Publishing DNSEndpoints", "provider", o.provider, "zones", o.zones.String(), "owner", o.owner)
	return nil
}

// newProvider builds the chosen backend. Route 53 and Cloud DNS keep only records, so ownership
// goes into external-dns-style TXT records next to them; etcd keeps it in each record.
func (o *publishOptions) newProvider(ctx context.Context) (providers.Provider, error) {
	switch o.provider {
	case "route53":
		cfg := o.route53
		cfg.Zones = o.zones
		p, err := route53.New(ctx, cfg, nil)
		if err != nil {
			return nil, err
		}
		return registry.NewTXT(p), nil
	case "clouddns":
		cfg := o.cloudDNS
		cfg.Zones = o.zones
		p, err := clouddns.New(ctx, cfg, nil)
		if err != nil {
			return nil, err
		}
		return registry.NewTXT(p), nil
	}
	cfg := o.etcd
	cfg.Endpoints = o.etcdEndpoints
	if len(cfg.Endpoints) == 0 {
		cfg.Endpoints = []string{"http://127.0.0.1:2379"}
	}
	cfg.Zones = o.zones
	cfg.Password = os.Getenv(etcdPasswordEnv)
	return etcdprovider.New(ctx, cfg)
}
