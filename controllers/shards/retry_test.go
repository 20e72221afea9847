package shards

import (
	"errors"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestRetryConflict(t *testing.T) {
	conflict := apierrors.NewConflict(schema.GroupResource{Resource: "servicednsrecords"}, "web", errors.New("stale"))
	if res, err := RetryConflict(conflict); err != nil || res.RequeueAfter != ConflictRetry {
		t.Errorf("conflict: %+v, %v; want a quiet requeue after %v", res, err, ConflictRetry)
	}
	other := errors.New("boom")
	if res, err := RetryConflict(other); err != other || res.RequeueAfter != 0 {
		t.Errorf("other error: %+v, %v; want it returned", res, err)
	}
	if res, err := RetryConflict(nil); err != nil || res.RequeueAfter != 0 {
		t.Errorf("nil: %+v, %v", res, err)
	}
}
