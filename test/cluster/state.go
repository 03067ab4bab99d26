package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"
)

// StateFile is the name of the file `testcluster up` writes into the cluster directory so that
// later commands can find and stop a detached cluster.
const StateFile = "state.json"

// State describes a running cluster for processes other than the one that started it.
type State struct {
	URL               string         `json:"url"`
	Dir               string         `json:"dir"`
	AdminKubeconfig   string         `json:"adminKubeconfig"`
	LimitedKubeconfig string         `json:"limitedKubeconfig"`
	Started           time.Time      `json:"started"`
	Processes         []StateProcess `json:"processes"` // in start order
}

// StateProcess is one control-plane process of a State.
type StateProcess struct {
	Name   string `json:"name"`
	PID    int    `json:"pid"`
	Binary string `json:"binary"` // resolved path, to recognise the process by its executable
}

// State returns the cluster's current state.
func (c *Cluster) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := State{
		URL:               c.URL(),
		Dir:               c.dir,
		AdminKubeconfig:   c.AdminKubeconfig(),
		LimitedKubeconfig: c.LimitedKubeconfig(),
		Started:           c.started.UTC(),
	}
	for _, p := range []*process{c.etcd, c.apiserver, c.kcm} {
		if p == nil || p.exited() {
			continue
		}
		bin, err := filepath.EvalSymlinks(p.cmd.Path)
		if err != nil {
			bin = p.cmd.Path
		}
		s.Processes = append(s.Processes, StateProcess{Name: p.name, PID: p.pid(), Binary: bin})
	}
	return s
}

// WriteState saves s as dir/state.json, atomically.
func WriteState(dir string, s State) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the cluster state: %w", err)
	}
	tmp := filepath.Join(dir, StateFile+".tmp")
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing the cluster state: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, StateFile)); err != nil {
		return fmt.Errorf("writing the cluster state: %w", err)
	}
	return nil
}

// ReadState loads dir/state.json. A missing file is reported with os.ErrNotExist.
func ReadState(dir string) (State, error) {
	var s State
	data, err := os.ReadFile(filepath.Join(dir, StateFile))
	if err != nil {
		return s, fmt.Errorf("reading the cluster state: %w", err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("decoding %s: %w", filepath.Join(dir, StateFile), err)
	}
	return s, nil
}

// Running reports whether the process is alive and still runs its binary, so a recycled pid is
// never mistaken for it.
func (p StateProcess) Running() bool { return processRuns(p.PID, p.Binary) }

// Stop terminates the state's running processes in reverse start order, killing any that
// outlive grace.
func (s State) Stop(grace time.Duration) error {
	var errs []error
	for _, p := range slices.Backward(s.Processes) {
		if !p.Running() {
			continue
		}
		if err := stopPID(p, grace); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// stopPID sends SIGTERM, waits up to grace, then SIGKILL, and waits for the process to go.
func stopPID(p StateProcess, grace time.Duration) error {
	proc, err := os.FindProcess(p.PID)
	if err != nil {
		return fmt.Errorf("finding %s (pid %d): %w", p.Name, p.PID, err)
	}
	if err := proc.Signal(syscall.SIGTERM); err != nil {
		_ = proc.Kill()
	}
	deadline := time.Now().Add(grace)
	for p.Running() && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if !p.Running() {
		return nil
	}
	_ = proc.Kill()
	for range 50 {
		if !p.Running() {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s (pid %d) survived SIGKILL", p.Name, p.PID)
}
