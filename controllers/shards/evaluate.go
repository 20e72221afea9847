package shards

import (
	"context"

	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/meridian-dns/meridian/controllers/health"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
)

// Evaluator runs one record's pass up to the decision: observe every member, keep the
// record's probes in step with what it would publish, and decide.
type Evaluator struct {
	Gatherer
	// Prober probes the shards of records with spec.healthCheck; nil disables active checks.
	Prober *health.Prober
}

// Probe says how a record is actively checked.
type Probe struct {
	Owner string                // the record's Owner
	Check *v1alpha1.HealthCheck // spec.healthCheck; nil: no active check
	Host  string                // HTTP Host header and TLS server name; "" for the address
}

// Evaluate fills in.Clusters and in.Probes and decides. unread is true when a Ready member
// could not be read, so the caller should look again.
func (e *Evaluator) Evaluate(ctx context.Context, key types.NamespacedName, in Input, p Probe) (out Outcome, unread bool, err error) {
	in.Clusters, err = e.Observe(ctx, key)
	if err != nil {
		return Outcome{}, false, err
	}
	if e.Prober != nil {
		e.syncProbes(ctx, &in, p)
	}
	return Decide(in), AnyUnread(in.Clusters), nil
}

// syncProbes makes the Prober probe exactly the shards the record would publish, and hands
// their states to the decision.
func (e *Evaluator) syncProbes(ctx context.Context, in *Input, p Probe) {
	if p.Check == nil {
		e.Prober.Forget(p.Owner)
		return
	}
	if err := e.Prober.Sync(p.Owner, Targets(*in, CheckOf(p.Check, p.Host))); err != nil {
		// Only targets API validation should have refused; the valid ones are probed.
		ctrl.LoggerFrom(ctx).Error(err, "Some health-check targets were refused")
	}
	in.HealthCheck, in.Probes = true, e.Prober.States(p.Owner)
}
