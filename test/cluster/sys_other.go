//go:build !linux

package cluster

import (
	"errors"
	"os"
	"syscall"
)

// sysProcAttr returns no special attributes: Pdeathsig and the session handling used on Linux are
// not portable, so outside Linux a crashed test binary can leave control-plane processes behind.
func sysProcAttr(bool) *syscall.SysProcAttr { return nil }

// errLocked reports that another process holds the build lock.
var errLocked = errors.New("locked by another process")

// tryLock does not lock outside Linux; concurrent cold builds there each build their own copy and
// the atomic rename keeps the result consistent.
func tryLock(*os.File) error { return nil }

// processAlive reports whether a process with this pid exists.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	return p.Signal(syscall.Signal(0)) == nil
}

// processRuns cannot check the executable of a process outside Linux, so it trusts the pid.
func processRuns(pid int, _ string) bool { return processAlive(pid) }
