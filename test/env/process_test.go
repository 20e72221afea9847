package env

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestProcessRestartsAfterCrashAndReportsEarlyExit(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p := &Process{Name: "sleeper", Path: "/bin/sh", Args: []string{"-c", "echo started; exec sleep 30"}, LogPath: filepath.Join(t.TempDir(), "log")}
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Start(ctx); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Fatalf("second Start: %v, want 'already running'", err)
	}
	if err := p.Kill(); err != nil || p.Running() {
		t.Fatalf("Kill: %v, running %v", err, p.Running())
	}
	if err := p.Start(ctx); err != nil {
		t.Fatalf("Start after a crash: %v", err)
	}
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}

	failing := &Process{
		Name: "failing", Path: "/bin/sh", Args: []string{"-c", "echo 'bad flag: --x'; exit 3"},
		LogPath: filepath.Join(t.TempDir(), "log"),
		ready:   func(context.Context) error { return context.DeadlineExceeded },
	}
	err := failing.Start(ctx)
	if err == nil || !strings.Contains(err.Error(), "exited during startup") || !strings.Contains(err.Error(), "bad flag: --x") {
		t.Fatalf("Start of a process that exits: %v; want the exit and its log in the error", err)
	}
}
