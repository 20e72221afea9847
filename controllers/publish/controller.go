// Package publish programs a DNS provider from DNSEndpoints: each DNSEndpoint's endpoints become
// record sets (convert.go), providers/plan diffs them against what the provider holds at those
// names, and the provider applies the difference. The controller lists the provider once at start
// and keeps that view up to date with every change it applies, so one changed DNSEndpoint costs
// one plan over its own names and one write, and nothing at all when nothing changed. A slow
// periodic repair (Controller.RepairInterval) lists the provider again and fixes drift.
package publish

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/providers/plan"
	"github.com/meridian-dns/meridian/skydns"
)

// ConditionReady is the DNSEndpoint condition that says whether its records are published.
const ConditionReady = "Ready"

// Condition reasons and Event reasons.
const (
	ReasonPublished       = "Published"
	ReasonInvalidEndpoint = "InvalidEndpoint"
	ReasonConflict        = "Conflict"
	ReasonProviderError   = "ProviderError"
)

// Defaults.
const (
	DefaultRepairInterval = 10 * time.Minute
	DefaultConflictRetry  = 30 * time.Second
	DefaultOwner          = "meridian"
	applyTimeout          = 2 * time.Minute
	softRetry             = 5 * time.Second
)

// Controller publishes DNSEndpoints to Provider (wrapped in a providers/registry so that only
// sets Owner created are ever changed).
type Controller struct {
	Client   client.Client
	Recorder recorder.EventRecorder
	Provider providers.Provider
	Owner    string   // the owner id stamped on every set; empty means DefaultOwner
	Zones    []string // the zones Provider manages
	Types    []string // record types Provider holds; empty means DefaultRecordTypes
	// RepairInterval is how often the provider is listed again to repair drift; 0 means
	// DefaultRepairInterval.
	RepairInterval time.Duration
	// ConflictRetry is how soon a DNSEndpoint with sets someone else holds is tried again, in
	// case the holder let go; 0 means DefaultConflictRetry.
	ConflictRetry time.Duration

	mu    sync.Mutex
	state *published // nil until listed, and again after a change failed midway
}

// SetupWithManager registers the controller and its periodic repair. Status updates (ours,
// external-dns's) do not trigger a pass; spec changes and deletions do.
func (c *Controller) SetupWithManager(mgr ctrl.Manager) error {
	if c.Owner == "" {
		c.Owner = DefaultOwner
	}
	if len(c.Types) == 0 {
		c.Types = DefaultRecordTypes
	}
	if c.RepairInterval == 0 {
		c.RepairInterval = DefaultRepairInterval
	}
	if err := mgr.Add(repairLoop{c}); err != nil {
		return err
	}
	return ctrl.NewControllerManagedBy(mgr).Named("publish").
		For(&v1alpha1.DNSEndpoint{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Complete(c)
}

// Reconcile publishes one DNSEndpoint, or withdraws its records when it is gone.
func (c *Controller) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	ep := &v1alpha1.DNSEndpoint{}
	err := c.Client.Get(ctx, req.NamespacedName, ep)
	if apierrors.IsNotFound(err) {
		ep = nil
	} else if err != nil {
		return reconcile.Result{}, err
	}
	resource := Resource(req.Namespace, req.Name)
	var desired []providers.Record
	var problems []FieldError
	if ep != nil && ep.DeletionTimestamp == nil {
		desired, problems = c.desired(ep)
	}
	conflicts, err := c.publish(ctx, resource, desired)
	if ep == nil {
		return c.retry(ctx, err)
	}
	if serr := c.setStatus(ctx, ep, problems, conflicts, err); serr != nil && err == nil {
		err = serr
	}
	if err == nil && len(conflicts) > 0 {
		// The holder may let go (another DNSEndpoint deleted, say): look again, as the repair
		// loop would, but sooner.
		return reconcile.Result{RequeueAfter: cmp.Or(c.ConflictRetry, DefaultConflictRetry)}, nil
	}
	return c.retry(ctx, err)
}

// desired converts ep and puts each set in the form the provider reads it back in.
func (c *Controller) desired(ep *v1alpha1.DNSEndpoint) ([]providers.Record, []FieldError) {
	records, problems := Desired(ep, c.Zones, c.Types)
	return providers.Canonical(c.Provider, records), problems
}

// retry turns a soft provider error into a quiet requeue: the loop never dies on throttling or
// an unreachable backend.
func (c *Controller) retry(ctx context.Context, err error) (reconcile.Result, error) {
	if err != nil && providers.IsSoft(err) {
		ctrl.LoggerFrom(ctx).Info("Provider unavailable, retrying", "error", err.Error(), "after", softRetry)
		return reconcile.Result{RequeueAfter: softRetry}, nil
	}
	return reconcile.Result{}, err
}

// publish plans resource's desired sets against the known state of their names and applies the
// difference. It returns the sets it left alone because someone else holds them.
func (c *Controller) publish(ctx context.Context, resource string, desired []providers.Record) ([]plan.Conflict, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// A set that changed since it was listed (ErrStale) is read again and planned anew, once.
	for attempt := 0; ; attempt++ {
		if err := c.load(ctx, "reload"); err != nil {
			return nil, err
		}
		result, err := plan.Calculate(c.state.scope(resource, desired), desired, c.Owner, resource)
		if err != nil {
			return nil, err
		}
		err = c.apply(ctx, result.Changes)
		if attempt == 0 && errors.Is(err, providers.ErrStale) {
			continue
		}
		return result.Conflicts, err
	}
}

// load lists the provider when the controller has no trustworthy view of it. Called with mu held.
func (c *Controller) load(ctx context.Context, reason string) error {
	if c.state != nil {
		return nil
	}
	listsTotal.WithLabelValues(reason).Inc()
	records, err := c.Provider.Records(ctx)
	if err != nil {
		applyErrorsTotal.WithLabelValues(errorKind(err)).Inc()
		return fmt.Errorf("listing the provider's records: %w", err)
	}
	c.state = newPublished(records)
	ownedSets.Set(float64(c.state.owned(c.Owner)))
	return nil
}

// apply sends changes and records them in the state. Called with mu held.
func (c *Controller) apply(ctx context.Context, changes providers.Changes) error {
	if changes.Empty() {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, applyTimeout)
	defer cancel()
	start := time.Now()
	err := c.Provider.ApplyChanges(ctx, changes)
	applyDuration.Observe(time.Since(start).Seconds())
	if err != nil {
		applyErrorsTotal.WithLabelValues(errorKind(err)).Inc()
		// Part of the change may have landed: read the provider again before the next plan.
		c.state = nil
		return fmt.Errorf("applying %s: %w", describe(changes), err)
	}
	changesTotal.WithLabelValues("create").Add(float64(len(changes.Create)))
	changesTotal.WithLabelValues("update").Add(float64(len(changes.Update)))
	changesTotal.WithLabelValues("delete").Add(float64(len(changes.Delete)))
	c.state.apply(changes)
	// Every set created or deleted is ours (the registry refuses others): no recount needed.
	ownedSets.Add(float64(len(changes.Create) - len(changes.Delete)))
	ctrl.LoggerFrom(ctx).V(1).Info("Applied changes", "changes", describe(changes))
	return nil
}

func errorKind(err error) string {
	if providers.IsSoft(err) {
		return "soft"
	}
	return "hard"
}

func describe(c providers.Changes) string {
	return fmt.Sprintf("%d creations, %d updates, %d deletions", len(c.Create), len(c.Update), len(c.Delete))
}

// setStatus writes the Ready condition when it changed. The status is patched, not replaced, so
// a consumer that writes observedGeneration (external-dns) and Meridian do not undo each other.
func (c *Controller) setStatus(ctx context.Context, ep *v1alpha1.DNSEndpoint, problems []FieldError,
	conflicts []plan.Conflict, publishErr error) error {
	cond := readyCondition(problems, conflictFields(ep, conflicts), publishErr)
	cond.ObservedGeneration = ep.Generation
	before := ep.DeepCopy()
	changed := meta.SetStatusCondition(&ep.Status.Conditions, cond)
	if ep.Status.ObservedGeneration != ep.Generation {
		ep.Status.ObservedGeneration = ep.Generation
		changed = true
	}
	if !changed {
		return nil
	}
	if prev := meta.FindStatusCondition(before.Status.Conditions, ConditionReady); prev == nil || prev.Reason != cond.Reason {
		eventType := "Normal"
		if cond.Status != metav1.ConditionTrue {
			eventType = "Warning"
		}
		c.Recorder.Eventf(ep, nil, eventType, cond.Reason, "Publish", "%s", cond.Message)
	}
	err := c.Client.Status().Patch(ctx, ep, client.MergeFrom(before))
	return client.IgnoreNotFound(err)
}

// readyCondition summarises one pass. A provider failure outranks a conflict, which outranks an
// invalid endpoint: the first is the one to fix first.
func readyCondition(problems, conflicts []FieldError, publishErr error) metav1.Condition {
	switch {
	case publishErr != nil:
		msg := "Records not published: " + publishErr.Error()
		if providers.IsSoft(publishErr) {
			msg += " (retrying)"
		}
		return metav1.Condition{Type: ConditionReady, Status: metav1.ConditionFalse, Reason: ReasonProviderError, Message: msg}
	case len(conflicts) > 0:
		return metav1.Condition{Type: ConditionReady, Status: metav1.ConditionFalse, Reason: ReasonConflict,
			Message: "Left alone because someone else holds them: " + joinFirst(conflicts, 5)}
	case len(problems) > 0:
		return metav1.Condition{Type: ConditionReady, Status: metav1.ConditionFalse, Reason: ReasonInvalidEndpoint,
			Message: "Not published: " + joinFirst(problems, 5)}
	}
	return metav1.Condition{Type: ConditionReady, Status: metav1.ConditionTrue, Reason: ReasonPublished,
		Message: "The provider holds every record of this DNSEndpoint"}
}

// conflictFields names the endpoint that wants each conflicting set, for the condition message.
func conflictFields(ep *v1alpha1.DNSEndpoint, conflicts []plan.Conflict) []FieldError {
	out := make([]FieldError, len(conflicts))
	for i, c := range conflicts {
		out[i] = FieldError{Field: "spec.endpoints", Message: c.String()}
		for j, e := range ep.Spec.Endpoints {
			if skydns.Canonical(e.DNSName) == c.Key.Name && cmp.Or(e.RecordType, skydns.TypeA) == c.Key.Type &&
				e.SetIdentifier == c.Key.SetIdentifier {
				out[i].Field = fmt.Sprintf("spec.endpoints[%d]", j)
				break
			}
		}
	}
	return out
}

// joinFirst lists up to n items and says how many more there are.
func joinFirst[T fmt.Stringer](items []T, n int) string {
	parts := make([]string, 0, n+1)
	for i, it := range items {
		if i == n {
			parts = append(parts, fmt.Sprintf("and %d more", len(items)-n))
			break
		}
		parts = append(parts, it.String())
	}
	return strings.Join(parts, "; ")
}
