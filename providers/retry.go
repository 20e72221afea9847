package providers

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// Backoff says how Retry waits between attempts: Initial, multiplied by Factor after each
// attempt up to Max, with up to Jitter (a fraction) added at random so that replicas retrying
// the same backend spread out. Attempts bounds the calls; zero means until ctx ends.
type Backoff struct {
	Initial, Max time.Duration
	Factor       float64
	Jitter       float64
	Attempts     int
}

// DefaultBackoff suits a control loop talking to a DNS backend: 1s, 2s, 4s... up to a minute.
var DefaultBackoff = Backoff{Initial: time.Second, Max: time.Minute, Factor: 2, Jitter: 0.2}

// Retry calls fn until it succeeds, fails with an error that is not a SoftError, runs out of
// attempts, or ctx ends; it returns fn's last error (or ctx's, if ctx ended first). Counting the
// soft errors is the caller's: its fn sees every error and knows which backend it talks to.
func Retry(ctx context.Context, b Backoff, fn func(context.Context) error) error {
	wait := b.Initial
	for attempt := 1; ; attempt++ {
		err := fn(ctx)
		if err == nil || !IsSoft(err) || (b.Attempts > 0 && attempt >= b.Attempts) {
			return err
		}
		delay := wait + time.Duration(rand.Float64()*b.Jitter*float64(wait))
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return errors.Join(ctx.Err(), err)
		case <-timer.C:
		}
		wait = min(time.Duration(float64(wait)*max(b.Factor, 1)), max(b.Max, b.Initial))
	}
}
