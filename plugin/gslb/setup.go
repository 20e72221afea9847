package gslb

import (
	"crypto/tls"
	"errors"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/fall"
	mwtls "github.com/coredns/coredns/plugin/pkg/tls"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"

	"github.com/meridian-dns/meridian/plugin/gslb/nearest"
	"github.com/meridian-dns/meridian/skydns"
)

func init() { plugin.Register(pluginName, setup) }

const defaultEndpoint = "http://localhost:2379"

// reconnectParams cap the wait between attempts to reconnect to an etcd member. gRPC's default
// grows to two minutes, so after an etcd outage of half a minute the index caught up only about
// 8 s after etcd was back (make chaos, dns-etcd-down); with at most 2 s between attempts it
// catches up at once.
var reconnectParams = grpc.ConnectParams{
	Backoff:           backoff.Config{BaseDelay: time.Second, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 2 * time.Second},
	MinConnectTimeout: 5 * time.Second,
}

// config is a parsed gslb block.
type config struct {
	zones     []string
	endpoints []string
	prefix    string // with a leading slash, without a trailing one
	tls       *tls.Config
	username  string
	password  string
	rules     []nearest.Rule
	geoip     string
	coords    map[string]nearest.LatLon
	fall      fall.F
}

func setup(c *caddy.Controller) error {
	cfg, err := parse(c)
	if err != nil {
		return plugin.Error(pluginName, err)
	}
	g, err := newGSLB(cfg)
	if err != nil {
		return plugin.Error(pluginName, err)
	}
	client, err := clientv3.New(clientv3.Config{
		Endpoints:         cfg.endpoints,
		TLS:               cfg.tls,
		Username:          cfg.username,
		Password:          cfg.password,
		DialKeepAliveTime: callTimeout,
		DialOptions:       []grpc.DialOption{grpc.WithConnectParams(reconnectParams)},
	})
	if err != nil {
		_ = g.locator.Close()
		return plugin.Error(pluginName, err)
	}
	g.watcher = newWatcher(client, g.newApplier(), g.onSync)
	g.client = client
	c.OnStartup(g.startup)
	c.OnShutdown(g.shutdown)
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		g.Next = next
		return g
	})
	return nil
}

// parse reads one gslb block. It opens nothing but the TLS files; the etcd client and the
// location database are opened by the caller.
func parse(c *caddy.Controller) (*config, error) {
	cfg := &config{endpoints: []string{defaultEndpoint}, prefix: skydns.DefaultPrefix}
	for i := 0; c.Next(); i++ {
		if i > 0 {
			return nil, plugin.ErrOnce
		}
		cfg.zones = plugin.OriginsFromArgsOrServerBlock(c.RemainingArgs(), c.ServerBlockKeys)
		for c.NextBlock() {
			if err := parseProperty(c, cfg); err != nil {
				return nil, err
			}
		}
	}
	return cfg, nil
}

func parseProperty(c *caddy.Controller, cfg *config) error {
	property := c.Val()
	args := c.RemainingArgs()
	switch property {
	case "endpoint":
		if len(args) == 0 {
			return c.ArgErr()
		}
		cfg.endpoints = args
	case "prefix":
		if len(args) != 1 || strings.Trim(args[0], "/") == "" {
			return c.Errf("prefix needs one etcd path, such as /skydns")
		}
		cfg.prefix = "/" + strings.Trim(args[0], "/")
	case "tls":
		return parseTLS(c, cfg, args)
	case "credentials":
		if len(args) != 2 {
			return c.Errf("credentials needs 2 arguments, username and password")
		}
		cfg.username, cfg.password = args[0], args[1]
	case "client":
		rules, err := parseClient(c, args)
		if err != nil {
			return err
		}
		cfg.rules = append(cfg.rules, rules...)
	case "geoip":
		if len(args) != 1 {
			return c.Errf("geoip needs one path, of a MaxMind-format database")
		}
		cfg.geoip = rooted(c, args[0])
	case "coordinates":
		return parseCoordinates(c, cfg, args)
	case "fallthrough":
		cfg.fall.SetZonesFromArgs(args)
	default:
		return c.Errf("unknown property '%s'", property)
	}
	return nil
}

// parseTLS reads "tls CERT KEY CACERT", relative paths taken from the Corefile's root as stock.
func parseTLS(c *caddy.Controller, cfg *config, args []string) error {
	if len(args) != 3 {
		return c.Errf("tls needs 3 arguments: CERT KEY CACERT")
	}
	for i := range args {
		args[i] = rooted(c, args[i])
	}
	tc, err := mwtls.NewTLSConfigFromArgs(args...)
	if err != nil {
		return c.Errf("tls: %v", err)
	}
	cfg.tls = tc
	return nil
}

func rooted(c *caddy.Controller, path string) string {
	root := dnsserver.GetConfig(c).Root
	if filepath.IsAbs(path) || root == "" {
		return path
	}
	return filepath.Join(root, path)
}

// parseClient reads "client CIDR... region NAME" or "client CIDR... cluster NAME". A bare
// address stands for itself alone (/32 or /128); host bits after the prefix are ignored.
func parseClient(c *caddy.Controller, args []string) ([]nearest.Rule, error) {
	if len(args) < 3 {
		return nil, c.Errf("client needs CIDR... region NAME or CIDR... cluster NAME")
	}
	kind, name := args[len(args)-2], args[len(args)-1]
	if kind != "region" && kind != "cluster" {
		return nil, c.Errf("client: expected 'region NAME' or 'cluster NAME' after the CIDRs, got '%s %s'", kind, name)
	}
	var rules []nearest.Rule
	for _, arg := range args[:len(args)-2] {
		prefix, err := parsePrefix(arg)
		if err != nil {
			return nil, c.Errf("client: '%s' is not a CIDR: %v", arg, err)
		}
		rule := nearest.Rule{Prefix: prefix}
		if kind == "region" {
			rule.Region = name
		} else {
			rule.Cluster = name
		}
		rules = append(rules, rule)
	}
	return rules, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		addr, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return netip.PrefixFrom(addr, addr.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return p.Masked(), nil
}

// parseCoordinates reads "coordinates REGION LAT LON" in degrees.
func parseCoordinates(c *caddy.Controller, cfg *config, args []string) error {
	if len(args) != 3 {
		return c.Errf("coordinates needs 3 arguments: REGION LATITUDE LONGITUDE")
	}
	lat, err1 := strconv.ParseFloat(args[1], 64)
	lon, err2 := strconv.ParseFloat(args[2], 64)
	if err1 != nil || err2 != nil || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180) {
		return c.Errf("coordinates of '%s': '%s %s' is not a latitude in [-90, 90] and a longitude in [-180, 180]", args[0], args[1], args[2])
	}
	if cfg.coords == nil {
		cfg.coords = map[string]nearest.LatLon{}
	}
	cfg.coords[args[0]] = nearest.LatLon{Lat: lat, Lon: lon}
	return nil
}

// newGSLB builds the plugin for cfg, without an etcd client: tests fill its index directly.
func newGSLB(cfg *config) (*GSLB, error) {
	loc, err := nearest.NewLocator(cfg.rules, cfg.geoip, cfg.coords)
	if err != nil {
		return nil, err
	}
	g := &GSLB{Fall: cfg.fall, ix: newIndex(), locator: loc, prefix: cfg.prefix}
	for _, z := range cfg.zones {
		g.zones = append(g.zones, newZone(z))
	}
	return g, nil
}

func (g *GSLB) newApplier() *applier {
	return &applier{
		ix:        g.ix,
		prefix:    g.prefix,
		onRegions: g.locator.SetClusterRegions,
		onInvalid: func(key string, err error) { log.Warningf("ignoring %s: not a SkyDNS record: %v", key, err) },
	}
}

func (g *GSLB) startup() error {
	g.watcher.start()
	return nil
}

// shutdown stops the watcher and releases the etcd client and the location database. CoreDNS
// calls it on reload too, after the new instance is up.
func (g *GSLB) shutdown() error {
	g.watcher.stop()
	return errors.Join(g.client.Close(), g.locator.Close())
}

// onSync records that the index matches etcd as of now.
func (g *GSLB) onSync() {
	g.synced.Store(true)
	indexNames.WithLabelValues(g.prefix).Set(float64(g.ix.names.Load()))
	indexRecords.WithLabelValues(g.prefix).Set(float64(g.ix.records.Load()))
	lastSync.WithLabelValues(g.prefix).SetToCurrentTime()
}
