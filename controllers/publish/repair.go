package publish

import (
	"context"
	"fmt"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/providers/plan"
)

// repairLoop lists the provider every RepairInterval and makes it hold exactly what the
// DNSEndpoints ask for: it undoes edits made behind Meridian's back and withdraws the sets of
// DNSEndpoints deleted while no controller was running. It runs on the leader only (a
// manager.Runnable needs leader election unless it says otherwise).
type repairLoop struct{ c *Controller }

// Start repairs once at once, which also withdraws what was deleted while no leader ran, then
// every RepairInterval.
func (l repairLoop) Start(ctx context.Context) error {
	t := time.NewTicker(l.c.RepairInterval)
	defer t.Stop()
	for {
		if err := l.c.Repair(ctx); err != nil && ctx.Err() == nil {
			ctrl.LoggerFrom(ctx).Error(err, "Drift repair failed", "next", l.c.RepairInterval)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Repair lists the provider and every DNSEndpoint, and applies the difference in one call.
func (c *Controller) Repair(ctx context.Context) error {
	list := &v1alpha1.DNSEndpointList{}
	if err := c.Client.List(ctx, list); err != nil {
		return fmt.Errorf("listing DNSEndpoints: %w", err)
	}
	desired := map[string][]providers.Record{}
	for i := range list.Items {
		ep := &list.Items[i]
		if ep.DeletionTimestamp == nil {
			desired[Resource(ep.Namespace, ep.Name)], _ = c.desired(ep)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state = nil
	if err := c.load(ctx, "repair"); err != nil {
		return err
	}
	result, err := plan.Repair(c.state.all(), desired, c.Owner)
	if err != nil {
		return err
	}
	conflictsGauge.Set(float64(len(result.Conflicts)))
	if !result.Changes.Empty() {
		ctrl.LoggerFrom(ctx).Info("Repairing drift", "changes", describe(result.Changes))
	}
	return c.apply(ctx, result.Changes)
}
