package nodefacts

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

// Read limits. Node files strata reads are small; anything larger is hostile or not what
// strata expects, and is reported instead of read.
const (
	maxSmallFile   = 64 << 10 // /proc entries, sysctls, os-release, passwd lines...
	maxConfigFile  = 1 << 20  // kubelet config, static pod manifests, sshd_config, profiles
	maxDirEntries  = 4096     // entries listed in any one directory
	maxProfiles    = 512      // seccomp profiles read
	maxIncludeDeep = 8        // nesting of sshd Include directives
)

// errTooLarge is returned for a file over its read limit.
var errTooLarge = errors.New("file exceeds the read limit")

// rootFS reads files under a root directory and never outside it: every access goes through
// os.Root, which refuses paths (and symlinks) that leave the root.
type rootFS struct {
	root *os.Root
	dir  string
}

func openRootFS(dir string) (*rootFS, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open root %s: %w", dir, err)
	}
	return &rootFS{root: r, dir: dir}, nil
}

func (r *rootFS) Close() error { return r.root.Close() }

// rel turns a node path (/etc/kubernetes) into a name relative to the root.
func rel(p string) string {
	p = strings.TrimLeft(path.Clean("/"+p), "/")
	if p == "" {
		return "."
	}
	return p
}

// isMissing reports whether err means the path is not there (or a parent is not a directory).
func isMissing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || isENOTDIR(err)
}

// read returns the contents of a node path, at most limit bytes. A missing file returns
// (nil, false, nil); an unreadable or oversized one an error naming the node path.
func (r *rootFS) read(p string, limit int64) ([]byte, bool, error) {
	f, err := r.open(p)
	if err != nil {
		if isMissing(err) {
			return nil, false, nil
		}
		return nil, true, fmt.Errorf("read %s: %w", p, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, true, fmt.Errorf("read %s: %w", p, err)
	}
	if int64(len(b)) > limit {
		return nil, true, fmt.Errorf("read %s: %w (%d bytes)", p, errTooLarge, limit)
	}
	return b, true, nil
}

// readTrim reads a small file and trims surrounding whitespace.
func (r *rootFS) readTrim(p string) (string, bool, error) {
	b, ok, err := r.read(p, maxSmallFile)
	return strings.TrimSpace(string(b)), ok, err
}

// readDir lists a directory's entry names, sorted and capped; a missing directory is empty.
func (r *rootFS) readDir(p string) ([]fs.DirEntry, error) {
	f, err := r.open(p)
	if err != nil {
		if isMissing(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("list %s: %w", p, err)
	}
	defer f.Close()
	entries, err := f.ReadDir(maxDirEntries)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("list %s: %w", p, err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	return entries, nil
}

// lstat stats a node path without following a final symlink.
func (r *rootFS) lstat(p string) (fs.FileInfo, error) {
	resolved, err := r.resolve(p, false)
	if err != nil {
		return nil, err
	}
	return r.root.Lstat(rel(resolved))
}

// readlink returns a symlink's target as written.
func (r *rootFS) readlink(p string) (string, error) {
	resolved, err := r.resolve(p, false)
	if err != nil {
		return "", err
	}
	return r.root.Readlink(rel(resolved))
}

// open opens a node path, following symlinks as the node would, inside the root.
func (r *rootFS) open(p string) (*os.File, error) {
	resolved, err := r.resolve(p, true)
	if err != nil {
		return nil, err
	}
	return r.root.Open(rel(resolved))
}
