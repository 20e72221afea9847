package providers

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestRetry(t *testing.T) {
	fast := Backoff{Initial: time.Millisecond, Max: 4 * time.Millisecond, Factor: 2, Jitter: 0.5}
	hard := errors.New("hard")
	soft := Soft(errors.New("throttled"))
	tests := []struct {
		name      string
		attempts  int
		errs      []error // what fn returns on each call; nil after the list
		wantCalls int
		wantErr   error
	}{
		{"success at once", 0, nil, 1, nil},
		{"soft then success", 0, []error{soft, soft}, 3, nil},
		{"hard stops", 0, []error{soft, hard}, 2, hard},
		{"attempts run out", 3, []error{soft, soft, soft, soft}, 3, soft},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := fast
			b.Attempts = tt.attempts
			calls := 0
			err := Retry(context.Background(), b, func(context.Context) error {
				calls++
				if calls <= len(tt.errs) {
					return tt.errs[calls-1]
				}
				return nil
			})
			if calls != tt.wantCalls || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("%d calls, error %v; want %d calls, error %v", calls, err, tt.wantCalls, tt.wantErr)
			}
		})
	}
}

func TestRetryStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := Retry(ctx, Backoff{Initial: 10 * time.Millisecond, Max: 10 * time.Millisecond}, func(context.Context) error {
		return Soft(errors.New("down"))
	})
	if !errors.Is(err, context.DeadlineExceeded) || !IsSoft(err) || time.Since(start) > time.Second {
		t.Errorf("after %s: %v, want the deadline and the last soft error", time.Since(start), err)
	}
}
