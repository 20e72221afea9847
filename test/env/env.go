// Package env starts real Kubernetes control planes, etcd and CoreDNS on 127.0.0.1 for
// Meridian's tests and for running it by hand: a host cluster and N member clusters, each with
// its own kube-apiserver (sharing one etcd under distinct prefixes), kube-controller-manager and,
// on members, kube-scheduler and KWOK fake nodes labelled with a region and zone. The binaries are
// built from the Go modules pinned under tools/ and cached outside the clone (see CacheDir).
package env

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
)

// HostContext is the kubeconfig context (and cluster name) of the host cluster.
const HostContext = "host"

// Options configure an environment. The zero value starts a host and two members in a new
// temporary folder.
type Options struct {
	// Dir holds certificates, kubeconfigs, data and logs. Empty: a new temporary folder, removed
	// by Stop.
	Dir string
	// Members to start; nil means DefaultMembers(2).
	Members []ClusterSpec
	// Progress receives one line per step (binaries building, components ready); nil: discarded.
	Progress io.Writer
}

// defaultRegions are real cloud regions, so later tests can compute distances between them.
var defaultRegions = []string{"us-east-1", "eu-west-1", "ap-southeast-1", "us-west-2", "eu-central-1", "ap-northeast-1"}

// DefaultMembers names n members member1..memberN, each in its own region with one zone.
func DefaultMembers(n int) []ClusterSpec {
	specs := make([]ClusterSpec, n)
	for i := range specs {
		region := defaultRegions[i%len(defaultRegions)]
		specs[i] = ClusterSpec{Name: fmt.Sprintf("member%d", i+1), Region: region, Zones: []string{region + "a"}}
	}
	return specs
}

// Environment is a running set of clusters.
type Environment struct {
	Dir      string
	Binaries *Binaries
	Etcd     *Etcd
	Host     *Cluster
	Members  []*Cluster
	// KubeconfigPath has one context per cluster: "host", then each member's name.
	KubeconfigPath string

	removeDir bool
}

// Start builds any missing binaries, then starts etcd, the host and the members. On error,
// everything already started is stopped again.
func Start(ctx context.Context, opts Options) (env *Environment, err error) {
	progress := opts.Progress
	if progress == nil {
		progress = io.Discard
	}
	members := opts.Members
	if members == nil {
		members = DefaultMembers(2)
	}
	if err := validateSpecs(members); err != nil {
		return nil, err
	}
	bins, err := EnsureBinaries(ctx, progress)
	if err != nil {
		return nil, err
	}
	e := &Environment{Dir: opts.Dir, Binaries: bins}
	if e.Dir == "" {
		if e.Dir, err = os.MkdirTemp("", "meridian-env-"); err != nil {
			return nil, err
		}
		e.removeDir = true
	} else if err := os.MkdirAll(e.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", e.Dir, err)
	}
	defer func() {
		if err != nil {
			_ = e.Stop()
		}
	}()
	start := time.Now()
	if e.Etcd, err = newEtcd(bins.Etcd, e.Dir); err != nil {
		return nil, err
	}
	if err := e.Etcd.Start(ctx); err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "etcd ready at %s\n", e.Etcd.Endpoint)

	if e.Host, err = newCluster(ClusterSpec{Name: HostContext}, true, 0, e.Dir, e.Etcd, bins); err != nil {
		return nil, err
	}
	for i, spec := range members {
		m, err := newCluster(spec, false, i+1, e.Dir, e.Etcd, bins)
		if err != nil {
			return nil, err
		}
		e.Members = append(e.Members, m)
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, c := range e.Clusters() {
		g.Go(func() error {
			if err := c.start(gctx); err != nil {
				return err
			}
			fmt.Fprintf(progress, "cluster %s ready at %s%s (%s)\n", c.Name, c.URL, c.topology(), time.Since(start).Round(100*time.Millisecond))
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	e.KubeconfigPath = filepath.Join(e.Dir, "kubeconfig")
	if err := writeKubeconfig(e.KubeconfigPath, e.Clusters()); err != nil {
		return nil, err
	}
	return e, nil
}

func validateSpecs(specs []ClusterSpec) error {
	seen := map[string]bool{HostContext: true}
	for i, s := range specs {
		if s.Name == "" || strings.ContainsAny(s.Name, "/ ") {
			return fmt.Errorf("member %d: name %q must be a non-empty name without '/' or spaces", i, s.Name)
		}
		if seen[s.Name] {
			return fmt.Errorf("member %d: name %q is used twice (or is the host's)", i, s.Name)
		}
		seen[s.Name] = true
		if len(s.Zones) == 0 {
			return fmt.Errorf("member %s: needs at least one zone (one fake node is created per zone)", s.Name)
		}
	}
	return nil
}

func (c *Cluster) topology() string {
	if c.Host {
		return ""
	}
	return fmt.Sprintf(" [region %s, zones %s]", c.Region, strings.Join(c.Zones, ","))
}

// Clusters returns the host followed by the members.
func (e *Environment) Clusters() []*Cluster {
	var all []*Cluster
	if e.Host != nil {
		all = append(all, e.Host)
	}
	return append(all, e.Members...)
}

// Cluster returns the cluster with the given name (context), or nil.
func (e *Environment) Cluster(name string) *Cluster {
	for _, c := range e.Clusters() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Stop shuts every component down (clusters before etcd: an apiserver whose etcd is gone can
// hang on SIGTERM) and removes the folder if Start created it.
func (e *Environment) Stop() error {
	var errs []error
	for _, c := range e.Clusters() {
		errs = append(errs, c.stop())
	}
	if e.Etcd != nil {
		errs = append(errs, e.Etcd.Stop())
	}
	if e.removeDir {
		errs = append(errs, os.RemoveAll(e.Dir))
	}
	return errors.Join(errs...)
}
