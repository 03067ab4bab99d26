//go:build !unix

package nodefacts

import "io/fs"

// owner is unknown where the platform has no Unix ownership.
func owner(fs.FileInfo) (uid, gid int, ok bool) { return 0, 0, false }

func isENOTDIR(error) bool { return false }
