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
	etcdprovider "github.com/meridian-dns/meridian/providers/etcd"
	"github.com/meridian-dns/meridian/providers/registry"
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
	fs.StringVar(&o.provider, "provider", "none", "DNS provider to publish DNSEndpoints to: etcd (served by CoreDNS with the gslb plugin), or none to leave them to external-dns")
	fs.Var(&o.zones, "zone", "DNS zone the provider manages, e.g. example.com (repeat or comma-separate); required with --provider")
	fs.StringVar(&o.owner, "owner-id", publish.DefaultOwner, "owner id recorded with every record Meridian creates; records of other owners are never changed")
	fs.DurationVar(&o.repairInterval, "publish-repair-interval", publish.DefaultRepairInterval, "how often the provider's records are read again to repair drift")
	fs.Var(&o.etcdEndpoints, "etcd-endpoints", "etcd client URLs for --provider=etcd (default http://127.0.0.1:2379)")
	fs.StringVar(&o.etcd.Prefix, "etcd-prefix", skydns.DefaultPrefix, "etcd key prefix of the SkyDNS records")
	fs.StringVar(&o.etcd.CertFile, "etcd-cert-file", "", "client certificate for etcd TLS")
	fs.StringVar(&o.etcd.KeyFile, "etcd-key-file", "", "client key for etcd TLS")
	fs.StringVar(&o.etcd.CAFile, "etcd-ca-file", "", "CA bundle that signed etcd's server certificate")
	fs.StringVar(&o.etcd.Username, "etcd-username", "", "etcd user (the password is read from $"+etcdPasswordEnv+")")
}

func (o *publishOptions) validate() error {
	switch o.provider {
	case "none":
		return nil
	case "etcd":
	default:
		return fmt.Errorf("--provider %q: must be etcd or none", o.provider)
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
	cfg := o.etcd
	cfg.Endpoints = o.etcdEndpoints
	if len(cfg.Endpoints) == 0 {
		cfg.Endpoints = []string{"http://127.0.0.1:2379"}
	}
	cfg.Zones = o.zones
	cfg.Password = os.Getenv(etcdPasswordEnv)
	p, err := etcdprovider.New(ctx, cfg)
	if err != nil {
		return fmt.Errorf("--provider=etcd: %w", err)
	}
	var provider providers.Provider = registry.New(p, o.owner)
	c := &publish.Controller{
		Client:         mgr.GetClient(),
		Recorder:       mgr.GetEventRecorder("meridian-publish"),
		Provider:       provider,
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
