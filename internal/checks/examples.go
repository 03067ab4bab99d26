package checks

import (
	"io/fs"
	"path"
	"sort"
)

// Example returns the first failing and the first passing fixture of a check (by file name),
// with their names; empty when the check has none.
func Example(id string) (fail, pass Fixture) {
	for _, fsys := range layerFixtures() {
		if f, ok := first(fsys, path.Join("testdata", id, "fail")); ok {
			fail = f
		}
		if p, ok := first(fsys, path.Join("testdata", id, "pass")); ok {
			pass = p
		}
	}
	return fail, pass
}

// Fixture is one example manifest.
type Fixture struct {
	Name string
	Data []byte
}

func first(fsys fs.FS, dir string) (Fixture, bool) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil || len(names) == 0 {
		return Fixture{}, false
	}
	sort.Strings(names)
	data, err := fs.ReadFile(fsys, names[0])
	if err != nil {
		return Fixture{}, false
	}
	return Fixture{Name: path.Base(names[0]), Data: data}, true
}
