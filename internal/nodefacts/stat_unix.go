//go:build unix

package nodefacts

import (
	"errors"
	"io/fs"
	"syscall"
)

// owner returns the numeric owner of a stat result.
func owner(fi fs.FileInfo) (uid, gid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(st.Uid), int(st.Gid), true
}

func isENOTDIR(err error) bool { return errors.Is(err, syscall.ENOTDIR) }
