package docs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/strata-sec/strata/internal/check"
)

// example is one fixture shown on a check's page.
type example struct {
	// Name is the fixture's file name; it describes the scenario.
	Name string
	// Link is the fixture's path relative to the docs directory, with forward slashes.
	Link string
	Data []byte
	// Findings is the reviewed .golden output of a failing fixture; nil when there is none.
	Findings []byte
}

type examples struct {
	Fail, Pass *example
}

// findExamples reads the first failing and the first passing fixture of a check, by file name.
// A check without fixtures has no examples; a fixture that exists but cannot be read is an error.
func findExamples(root, docsDir string, m *check.Meta) (examples, error) {
	var ex examples
	if root == "" {
		return ex, nil
	}
	base := filepath.Join(root, "internal", "checks", string(m.Layer), "testdata", m.ID)
	var err error
	if ex.Fail, err = firstFixture(filepath.Join(base, "fail"), docsDir, true); err != nil {
		return ex, err
	}
	if ex.Pass, err = firstFixture(filepath.Join(base, "pass"), docsDir, false); err != nil {
		return ex, err
	}
	return ex, nil
}

func firstFixture(dir, docsDir string, withFindings bool) (*example, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("find fixtures: %w", err)
	}
	if len(names) == 0 {
		return nil, nil
	}
	sort.Strings(names)
	path := names[0]
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read fixture: %w", err)
	}
	ex := &example{Name: filepath.Base(path), Data: data, Link: relLink(docsDir, path)}
	if withFindings {
		golden, err := os.ReadFile(strings.TrimSuffix(path, ".yaml") + ".golden")
		switch {
		case err == nil:
			ex.Findings = golden
		case !errors.Is(err, os.ErrNotExist):
			return nil, fmt.Errorf("read fixture findings: %w", err)
		}
	}
	return ex, nil
}

// relLink is target relative to the docs directory, so the link works on any Git host.
func relLink(docsDir, target string) string {
	from, err1 := filepath.Abs(docsDir)
	to, err2 := filepath.Abs(target)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(from, to); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(target)
}
