package shards

import (
	"context"

	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// EnqueueRecord maps a member object to the record keyOf names (false: none), when the host's
// cache holds such a record: most Services and EndpointSlices in a member have no record, and
// their churn must not reach the queue.
func EnqueueRecord[T client.Object](host client.Reader, newRecord func() client.Object, keyOf func(T) (types.NamespacedName, bool)) handler.TypedEventHandler[T, reconcile.Request] {
	return handler.TypedEnqueueRequestsFromMapFunc(func(ctx context.Context, obj T) []reconcile.Request {
		key, ok := keyOf(obj)
		if !ok {
			return nil
		}
		if err := host.Get(ctx, key, newRecord()); err != nil {
			if client.IgnoreNotFound(err) != nil {
				ctrl.LoggerFrom(ctx).Error(err, "Looking up the record of a member object", "record", key)
			}
			return nil
		}
		return []reconcile.Request{{NamespacedName: key}}
	})
}

// SameName is keyOf for objects that share their record's namespace and name.
func SameName[T client.Object](obj T) (types.NamespacedName, bool) {
	return client.ObjectKeyFromObject(obj), true
}
