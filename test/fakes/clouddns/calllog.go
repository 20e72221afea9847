package clouddnsfake

import (
	"maps"
	"slices"
	"time"
)

// Call is one API call as the fake served it.
type Call struct {
	Time time.Time
	// Method is the API method id, as the generated client names it: "dns.changes.create",
	// "dns.resourceRecordSets.list", ...; "unknown" for paths the API does not have.
	Method  string
	Project string
	Zone    string
	// Status is the HTTP status answered; Reason the first error reason, empty on success.
	Status int
	Reason string
	// Injected is true when the answer came from fault injection rather than the API's rules.
	Injected bool
	// Additions and Deletions count the rrsets a changes.create call carried.
	Additions, Deletions int
	Duration             time.Duration
}

// maxCalls bounds the log of a long-running fake; the oldest half is dropped past it. Counters
// are not bounded.
const maxCalls = 100_000

type callLog struct {
	calls  []Call
	counts map[string]int
}

func (l *callLog) add(c Call) {
	if len(l.calls) >= maxCalls {
		l.calls = slices.Delete(l.calls, 0, maxCalls/2)
	}
	l.calls = append(l.calls, c)
	if l.counts == nil {
		l.counts = map[string]int{}
	}
	l.counts[c.Method]++
}

func (f *Fake) record(c Call) {
	f.mu.Lock()
	f.log.add(c)
	observe := f.opts.Observe
	f.mu.Unlock()
	if observe != nil {
		observe(c)
	}
}

// Calls returns a copy of the call log, oldest first.
func (f *Fake) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.log.calls)
}

// CallCounts returns the number of calls per method since the last ResetCalls.
func (f *Fake) CallCounts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.log.counts)
}

// ResetCalls empties the call log and the counters.
func (f *Fake) ResetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = callLog{}
}
