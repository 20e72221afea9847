package join

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestRollbackUndoesNewestFirstAndGoesOnAfterFailures(t *testing.T) {
	var order []string
	undo := func(what string, err error) func(context.Context) error {
		return func(context.Context) error {
			order = append(order, what)
			return err
		}
	}
	var s undoStack
	s.push("member", "Namespace fed", undo("member ns", nil))
	s.push("member", "ServiceAccount fed/m-h", undo("sa", nil))
	s.push("member", "ClusterRole meridian-member:m-h", undo("cr", errors.New("forbidden")))
	s.push("host", "Namespace fed", undo("host ns", nil))
	s.push("host", "Secret fed/m-token", undo("host secret", nil))

	res := s.rollback(context.Background())
	if want := []string{"host secret", "host ns", "cr", "sa", "member ns"}; !reflect.DeepEqual(order, want) {
		t.Errorf("undo order %v, want %v", order, want)
	}
	want := "(rolled back in the host: Secret fed/m-token, Namespace fed; in the member: ServiceAccount fed/m-h, Namespace fed; " +
		"NOT rolled back, delete by hand: ClusterRole meridian-member:m-h in the member: forbidden)"
	if res.String() != want {
		t.Errorf("result\n %s\nwant\n %s", res, want)
	}
	if again := s.rollback(context.Background()); len(again.done)+len(again.failed) != 0 || len(order) != 5 {
		t.Errorf("a second rollback undid something again: %v", again)
	}
}

func TestRollbackResultString(t *testing.T) {
	entry := func(side, object string) undoEntry { return undoEntry{side: side, object: object} }
	cases := []struct {
		res  rollbackResult
		want string
	}{
		{rollbackResult{}, "(nothing was created)"},
		{rollbackResult{done: []undoEntry{entry("member", "ServiceAccount a/b")}}, "(rolled back in the member: ServiceAccount a/b)"},
		{rollbackResult{done: []undoEntry{entry("member", "A"), entry("host", "B"), entry("member", "C")}},
			"(rolled back in the member: A; in the host: B; in the member: C)"},
		{rollbackResult{failed: []error{errors.New("X: boom")}}, "(NOT rolled back, delete by hand: X: boom)"},
	}
	for _, tc := range cases {
		if got := tc.res.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestRollbackContextOutlivesCancellation(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	cancel()
	ctx, stop := rollbackContext(parent)
	defer stop()
	if ctx.Err() != nil {
		t.Fatalf("rollback context is done with its parent: %v", ctx.Err())
	}
	deadline, ok := ctx.Deadline()
	if !ok || time.Until(deadline) > rollbackTimeout || time.Until(deadline) < rollbackTimeout-time.Second {
		t.Errorf("deadline %v, want about %s from now", deadline, rollbackTimeout)
	}
}
