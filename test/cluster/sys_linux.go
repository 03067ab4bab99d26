//go:build linux

package cluster

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// sysProcAttr returns the process attributes of a control-plane process.
//
// Attached processes get Pdeathsig: the kernel sends them SIGKILL when the thread that started them
// exits, so a test binary that crashes or is killed by `go test -timeout` never leaves an apiserver
// or etcd running. (The Go runtime only retires a thread when a goroutine exits while locked to
// it, which nothing here does.) Detached processes (testcluster up) get their own session instead,
// so they outlive the command and ignore the terminal's signals.
func sysProcAttr(detached bool) *syscall.SysProcAttr {
	if detached {
		return &syscall.SysProcAttr{Setsid: true}
	}
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// errLocked reports that another process holds the build lock.
var errLocked = errors.New("locked by another process")

// tryLock takes an exclusive advisory lock on f without blocking. The kernel drops the lock when
// the process dies, so an interrupted build never leaves the cache locked.
func tryLock(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return err
}

// processAlive reports whether a process with this pid exists and is not a zombie.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	// The state follows the parenthesised command name: "pid (comm) S ...".
	rest := string(stat)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 && i+2 < len(rest) {
		return rest[i+2] != 'Z'
	}
	return true
}

// processRuns reports whether pid is alive and executes the binary at path, so a recycled pid is
// never signalled by `testcluster down`.
func processRuns(pid int, path string) bool {
	if !processAlive(pid) {
		return false
	}
	exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	if err != nil {
		return false
	}
	// A binary replaced on disk after the process started shows as "path (deleted)".
	return strings.TrimSuffix(exe, " (deleted)") == path
}
