package join

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// rollbackTimeout bounds the clean-up of a failed join. The clean-up runs on a context of its
// own, so a join interrupted with Ctrl-C still deletes what it created.
const rollbackTimeout = 30 * time.Second

// undoStack remembers how to delete each object a join created, so a failed join leaves
// nothing half-created behind.
type undoStack struct {
	entries []undoEntry
}

type undoEntry struct {
	side   string // "member" or "host"
	object string // "Kind namespace/name"
	undo   func(context.Context) error
}

func (s *undoStack) push(side, object string, undo func(context.Context) error) {
	s.entries = append(s.entries, undoEntry{side: side, object: object, undo: undo})
}

// rollbackResult says what a rollback deleted and what it could not.
type rollbackResult struct {
	done   []undoEntry
	failed []error
}

// rollback undoes every entry, newest first: a ServiceAccount's token Secret goes before the
// ServiceAccount, a namespace after what is in it. It goes on after a failure, so as little as
// possible is left.
func (s *undoStack) rollback(ctx context.Context) rollbackResult {
	var res rollbackResult
	for i := len(s.entries) - 1; i >= 0; i-- {
		e := s.entries[i]
		if err := e.undo(ctx); err != nil {
			res.failed = append(res.failed, fmt.Errorf("%s in the %s: %w", e.object, e.side, err))
			continue
		}
		res.done = append(res.done, e)
	}
	s.entries = nil
	return res
}

// String is the suffix of a failed join's error: "(rolled back in the host: ...; in the member:
// ...)", plus what is left when deleting failed.
func (r rollbackResult) String() string {
	if len(r.done) == 0 && len(r.failed) == 0 {
		return "(nothing was created)"
	}
	var parts []string
	var side string
	var objects []string
	flush := func() {
		if len(objects) > 0 {
			parts = append(parts, "in the "+side+": "+strings.Join(objects, ", "))
		}
		objects = nil
	}
	for _, e := range r.done {
		if e.side != side {
			flush()
			side = e.side
		}
		objects = append(objects, e.object)
	}
	flush()
	var b strings.Builder
	if len(parts) > 0 {
		b.WriteString("rolled back " + strings.Join(parts, "; "))
	}
	if len(r.failed) > 0 {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		msgs := make([]string, len(r.failed))
		for i, err := range r.failed {
			msgs[i] = err.Error()
		}
		b.WriteString("NOT rolled back, delete by hand: " + strings.Join(msgs, "; "))
	}
	return "(" + b.String() + ")"
}

// rollbackContext is a context for clean-up that outlives the cancellation of parent.
func rollbackContext(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(parent), rollbackTimeout)
}
