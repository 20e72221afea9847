package env

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// RunState is what a long-running `up` (testenv's or meridianctl's) records in its folder, so
// that `status` and `down`, run from another terminal, can find it and stop it.
type RunState struct {
	PID        int            `json:"pid"`
	Kubeconfig string         `json:"kubeconfig"`
	Started    time.Time      `json:"started"`
	Processes  []ProcessState `json:"processes"`
	Clusters   []ClusterSpec  `json:"clusters"`
	// DNS is the address CoreDNS answers on (127.0.0.1:PORT), when `up` runs one.
	DNS string `json:"dns,omitempty"`
}

// ProcessState names one process `up` started.
type ProcessState struct {
	Name string `json:"name"`
	PID  int    `json:"pid"`
}

// ProcessStates lists the environment's running processes: etcd, then each cluster's.
func (e *Environment) ProcessStates() []ProcessState {
	procs := []*Process{e.Etcd.Process}
	for _, c := range e.Clusters() {
		procs = append(procs, c.APIServer, c.ControllerManager, c.Scheduler, c.KWOK)
	}
	var states []ProcessState
	for _, p := range procs {
		if p != nil && p.Running() {
			states = append(states, ProcessState{p.Name, p.Pid()})
		}
	}
	return states
}

// Specs returns the clusters' specs, host first.
func (e *Environment) Specs() []ClusterSpec {
	var specs []ClusterSpec
	for _, c := range e.Clusters() {
		specs = append(specs, c.ClusterSpec)
	}
	return specs
}

func statePath(dir string) string { return filepath.Join(dir, "state.json") }

// WriteRunState records st in dir, replacing what was there.
func WriteRunState(dir string, st *RunState) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp := statePath(dir) + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	// Readers polling for the file never see half of it.
	return os.Rename(tmp, statePath(dir))
}

// RemoveRunState forgets what WriteRunState recorded.
func RemoveRunState(dir string) { _ = os.Remove(statePath(dir)) }

// ReadRunState returns the state of the `up` running in dir, or an error saying none runs there.
func ReadRunState(dir string) (*RunState, error) {
	data, err := os.ReadFile(statePath(dir))
	if err != nil {
		return nil, fmt.Errorf("nothing is running in %s", dir)
	}
	var st RunState
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("reading %s: %w", statePath(dir), err)
	}
	if !ProcessAlive(st.PID) {
		return nil, fmt.Errorf("nothing is running in %s (pid %d has exited)", dir, st.PID)
	}
	return &st, nil
}

// StopRun sends SIGTERM to the `up` running in dir and waits up to timeout for it to exit,
// which it does after stopping everything it started.
func StopRun(dir string, timeout time.Duration) error {
	st, err := ReadRunState(dir)
	if err != nil {
		return err
	}
	if err := syscall.Kill(st.PID, syscall.SIGTERM); err != nil {
		return fmt.Errorf("signalling pid %d: %w", st.PID, err)
	}
	deadline := time.Now().Add(timeout)
	for ProcessAlive(st.PID) {
		if time.Now().After(deadline) {
			return fmt.Errorf("pid %d still running %v after SIGTERM", st.PID, timeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return nil
}

// ProcessAlive reports whether a process with this pid exists.
func ProcessAlive(pid int) bool {
	return pid > 0 && syscall.Kill(pid, 0) == nil
}
