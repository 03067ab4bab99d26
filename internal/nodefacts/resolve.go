package nodefacts

import (
	"errors"
	"io/fs"
	"path"
	"strings"
)

const maxSymlinkHops = 40

var errSymlinkLoop = errors.New("too many levels of symbolic links")

// resolve rewrites a node path so that its symlinks are interpreted relative to the root, as
// the node itself would see them: /var/run -> /run is common, and os.Root refuses absolute
// link targets. The result is still opened through os.Root, so containment never depends on
// this function. The last element is followed only when followLast is set.
func (r *rootFS) resolve(p string, followLast bool) (string, error) {
	todo := strings.Split(strings.Trim(path.Clean("/"+p), "/"), "/")
	done := "/"
	for hops := 0; len(todo) > 0; {
		elem := todo[0]
		todo = todo[1:]
		if elem == "" || elem == "." {
			continue
		}
		if elem == ".." {
			done = path.Dir(done)
			continue
		}
		next := path.Join(done, elem)
		if len(todo) == 0 && !followLast {
			return next, nil
		}
		fi, err := r.root.Lstat(rel(next))
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			done = next // a missing element is reported by the final open
			continue
		}
		if hops++; hops > maxSymlinkHops {
			return "", errSymlinkLoop
		}
		target, err := r.root.Readlink(rel(next))
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(target, "/") {
			done = "/"
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	return done, nil
}
