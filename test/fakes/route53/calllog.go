package route53fake

import (
	"sync"
	"time"
)

// Call is one logged API call, whether it succeeded or not. Record sets
// planted with Seed and the Go API's own reads are never logged.
type Call struct {
	Time    time.Time
	Op      string // Route 53 operation name, e.g. "ChangeResourceRecordSets"
	Zone    string // hosted zone ID for zone-scoped operations
	Account string // access key ID the request was signed with
	Status  int    // HTTP status answered
	Code    string // error code, empty on success
	// For ChangeResourceRecordSets: the number of changes in the batch and of
	// ResourceRecord values they carry (an UPSERT's values counted once).
	Changes int
	Values  int
	Latency time.Duration
}

type callLog struct {
	mu      sync.Mutex
	entries []Call
	byOp    map[string]int
}

func (l *callLog) add(c Call) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, c)
	if l.byOp == nil {
		l.byOp = map[string]int{}
	}
	l.byOp[c.Op]++
}

func (l *callLog) calls() []Call {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Call(nil), l.entries...)
}

func (l *callLog) counts() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]int, len(l.byOp))
	for k, v := range l.byOp {
		out[k] = v
	}
	return out
}

func (l *callLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = nil
	l.byOp = nil
}
