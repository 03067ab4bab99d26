package noderoot

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"syscall"
	"testing"

	"sigs.k8s.io/yaml"
)

// Entry is the recorded state of one path of a fixture root.
type Entry struct {
	Mode   string `json:"mode"`
	UID    int    `json:"uid"`
	GID    int    `json:"gid"`
	Dir    bool   `json:"dir,omitempty"`
	Socket bool   `json:"socket,omitempty"`
}

// Names lists the fixture roots.
func Names() ([]string, error) {
	m, err := loadModes()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

// Prepare copies the fixture root name into a fresh temporary directory, applies its modes,
// owners and groups, creates its sockets and empty directories, and returns the directory.
// Owners are applied only when the test runs as root (chown needs it); otherwise the test
// logs that ownership is the runner's.
func Prepare(t testing.TB, name string) string {
	t.Helper()
	modes, err := loadModes()
	if err != nil {
		t.Fatal(err)
	}
	entries, ok := modes[name]
	if !ok {
		t.Fatalf("noderoot: no fixture root %q in modes.yaml", name)
	}
	dst := filepath.Join(t.TempDir(), name)
	if err := copyTree(filepath.Join(rootsDir(), name), dst); err != nil {
		t.Fatalf("noderoot: copy %s: %v", name, err)
	}
	if err := apply(dst, entries); err != nil {
		t.Fatalf("noderoot: %s: %v", name, err)
	}
	if os.Geteuid() != 0 {
		t.Logf("noderoot: not running as root, so %s keeps the runner's owner and group; uid/gid facts are not those of modes.yaml", name)
	}
	return dst
}

// rootsDir is testdata/roots of the nodefacts package, found from this source file so every
// package's tests can use it.
func rootsDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "roots")
}

func loadModes() (map[string]map[string]Entry, error) {
	b, err := os.ReadFile(filepath.Join(rootsDir(), "modes.yaml"))
	if err != nil {
		return nil, fmt.Errorf("noderoot: %w", err)
	}
	var m map[string]map[string]Entry
	if err := yaml.UnmarshalStrict(b, &m); err != nil {
		return nil, fmt.Errorf("noderoot: parse modes.yaml: %w", err)
	}
	return m, nil
}

// copyTree copies regular files, directories and symlinks (as links), with default modes.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			return os.Chmod(out, 0o755) // whatever the umask

		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, out)
		default:
			if err := copyFile(p, out); err != nil {
				return err
			}
			return os.Chmod(out, 0o644)
		}
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// apply creates the recorded directories and sockets, then sets modes and owners.
func apply(dst string, entries map[string]Entry) error {
	paths := make([]string, 0, len(entries))
	for p := range entries {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		e, full := entries[p], filepath.Join(dst, filepath.FromSlash(p))
		mode, err := strconv.ParseUint(e.Mode, 8, 32)
		if err != nil {
			return fmt.Errorf("%s: mode %q: %w", p, e.Mode, err)
		}
		if err := create(full, e); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if err := os.Chmod(full, fs.FileMode(mode)); err != nil {
			return err
		}
		if os.Geteuid() == 0 {
			if err := os.Lchown(full, e.UID, e.GID); err != nil {
				return err
			}
		}
	}
	return nil
}

func create(full string, e Entry) error {
	switch {
	case e.Dir:
		return os.MkdirAll(full, 0o755)
	case e.Socket:
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		return syscall.Mknod(full, syscall.S_IFSOCK|0o600, 0)
	}
	_, err := os.Lstat(full)
	return err
}
