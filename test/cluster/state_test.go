package cluster

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func TestStateStopsOnlyItsOwnProcesses(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary to stand in for a control-plane process")
	}
	sleep, err = filepath.EvalSymlinks(sleep)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p, err := startProcess("sleeper", sleep, []string{"300"}, dir, filepath.Join(dir, "sleeper.log"), false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.stop(time.Second) })

	st := State{URL: "https://127.0.0.1:1", Dir: dir, Processes: []StateProcess{{Name: "sleeper", PID: p.pid(), Binary: sleep}}}
	if err := WriteState(dir, st); err != nil {
		t.Fatal(err)
	}
	got, err := ReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Processes) != 1 || !got.Processes[0].Running() {
		t.Fatalf("read state %+v: want one running process", got)
	}
	// Same pid, other executable: a recycled pid must not be signalled.
	impostor := State{Processes: []StateProcess{{Name: "etcd", PID: p.pid(), Binary: "/nonexistent/etcd"}}}
	if impostor.Processes[0].Running() {
		t.Fatal("a process running another binary counts as running")
	}
	if err := impostor.Stop(time.Second); err != nil || p.exited() {
		t.Fatalf("stopping an impostor state: err %v, process exited %v", err, p.exited())
	}
	if err := got.Stop(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		t.Fatal("process still running after State.Stop")
	}
	if got.Processes[0].Running() {
		t.Error("Running() after Stop")
	}
}
