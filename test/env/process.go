package env

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// readyFunc reports nil once a started process serves what it should.
type readyFunc func(ctx context.Context) error

// Process is one component of the environment (an etcd, an apiserver, CoreDNS...). It can be
// stopped and started again with the same arguments and ports, which is how tests inject faults.
type Process struct {
	Name    string
	Path    string
	Args    []string
	LogPath string
	// Env is added to the environment the process inherits, as KEY=value.
	Env []string

	ready readyFunc
	// grace is how long the process gets after SIGTERM before SIGKILL; zero means stopTimeout.
	grace time.Duration

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when the current run exits
}

// stopTimeout is how long a component gets by default to exit after SIGTERM before SIGKILL.
const stopTimeout = 10 * time.Second

// Start runs the process and waits until it is ready or ctx ends. Its output goes to LogPath.
func (p *Process) Start(ctx context.Context) error {
	if p.Running() {
		return fmt.Errorf("%s is already running (pid %d)", p.Name, p.Pid())
	}
	logFile, err := os.OpenFile(p.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("opening log of %s: %w", p.Name, err)
	}
	cmd := exec.Command(p.Path, p.Args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if len(p.Env) > 0 {
		cmd.Env = append(os.Environ(), p.Env...)
	}
	// Own process group, so a terminal's Ctrl-C reaches only us and we stop components in order;
	// Pdeathsig, so nothing outlives a test binary that is killed outright.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("starting %s: %w", p.Name, err)
	}
	done := make(chan struct{})
	p.mu.Lock()
	p.cmd, p.done = cmd, done
	p.mu.Unlock()
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(done)
	}()
	if err := p.waitReady(ctx, done); err != nil {
		_ = p.Stop()
		return err
	}
	return nil
}

func (p *Process) waitReady(ctx context.Context, done <-chan struct{}) error {
	if p.ready == nil {
		return nil
	}
	var last error
	for {
		select {
		case <-done:
			return fmt.Errorf("%s exited during startup; last log lines:\n%s", p.Name, p.LogTail(15))
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %v (last check: %v); last log lines:\n%s", p.Name, ctx.Err(), last, p.LogTail(15))
		default:
		}
		checkCtx, cancel := context.WithTimeout(ctx, time.Second)
		last = p.ready(checkCtx)
		cancel()
		if last == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop sends SIGTERM, waits for the process's grace period, then SIGKILLs. Stopping a stopped process is a no-op.
func (p *Process) Stop() error {
	grace := p.grace
	if grace == 0 {
		grace = stopTimeout
	}
	return p.stop(syscall.SIGTERM, grace)
}

// Kill stops the process with SIGKILL at once, as a crash would.
func (p *Process) Kill() error {
	return p.stop(syscall.SIGKILL, 0)
}

func (p *Process) stop(sig syscall.Signal, grace time.Duration) error {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	if cmd == nil {
		return nil
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-done:
	case <-time.After(grace):
		_ = cmd.Process.Kill()
		<-done
	}
	p.mu.Lock()
	p.cmd, p.done = nil, nil
	p.mu.Unlock()
	return nil
}

// Restart stops the process and starts it again with the same arguments.
func (p *Process) Restart(ctx context.Context) error {
	if err := p.Stop(); err != nil {
		return err
	}
	return p.Start(ctx)
}

// Running reports whether the process has been started and has not exited.
func (p *Process) Running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// Pid is the process id of the current run, or 0 when it is not running.
func (p *Process) Pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// LogTail returns the last n lines the process wrote.
func (p *Process) LogTail(n int) string {
	data, err := os.ReadFile(p.LogPath)
	if err != nil {
		return ""
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    " + strings.ReplaceAll(string(bytes.Join(lines, []byte("\n"))), "\n", "\n    ")
}

// stopAll stops processes in the given order and joins their errors.
func stopAll(procs ...*Process) error {
	var errs []error
	for _, p := range procs {
		if p != nil {
			errs = append(errs, p.Stop())
		}
	}
	return errors.Join(errs...)
}
