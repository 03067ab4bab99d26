package docs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/framework"
)

// IndexFile is the name of the generated index.
const IndexFile = "README.md"

// idPattern guards file names: a page is written to <dir>/<ID>.md.
var idPattern = regexp.MustCompile(`^ST-[0-9]{4}$`)

// Option configures Generate and Check.
type Option func(*config)

type config struct {
	root string
}

// WithRoot sets the repository root. Pages then embed one failing and one passing example from
// <root>/internal/checks/<layer>/testdata/<ID>/{fail,pass}/*.yaml (the first by file name) and
// the findings recorded in the failing example's .golden file. Without it pages have no examples.
func WithRoot(root string) Option { return func(c *config) { c.root = root } }

// Generate writes the reference for checks into dir: README.md and one <ID>.md per check. It
// removes Markdown files in dir that belong to no check (a check that was removed), and leaves
// files whose content is unchanged untouched.
func Generate(dir string, checks []check.Check, fw *framework.Index, opts ...Option) error {
	files, err := render(dir, checks, fw, opts)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create docs directory: %w", err)
	}
	for _, name := range sortedKeys(files) {
		p := filepath.Join(dir, name)
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, files[name]) {
			continue
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return fmt.Errorf("write docs: %w", err)
		}
	}
	extra, err := extraFiles(dir, files)
	if err != nil {
		return err
	}
	for _, name := range extra {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("remove stale docs: %w", err)
		}
	}
	return nil
}

// StaleError says how the reference in Dir differs from what Generate would write.
type StaleError struct {
	Dir string
	// Missing files would be written, Differ files would change, Extra files would be removed.
	Missing, Differ, Extra []string
}

func (e *StaleError) Error() string {
	var parts []string
	for _, g := range []struct {
		what  string
		names []string
	}{{"missing", e.Missing}, {"differ", e.Differ}, {"extra", e.Extra}} {
		if len(g.names) > 0 {
			parts = append(parts, g.what+": "+strings.Join(g.names, ", "))
		}
	}
	return fmt.Sprintf("check reference in %s is out of date (run go generate ./internal/docs): %s",
		e.Dir, strings.Join(parts, "; "))
}

// Check renders the reference in memory and compares it with dir. It returns a *StaleError
// naming every file that is missing, differs or is extra, nil when dir is up to date, or another
// error when the reference cannot be rendered or read.
func Check(dir string, checks []check.Check, fw *framework.Index, opts ...Option) error {
	files, err := render(dir, checks, fw, opts)
	if err != nil {
		return err
	}
	stale := &StaleError{Dir: dir}
	for _, name := range sortedKeys(files) {
		old, err := os.ReadFile(filepath.Join(dir, name))
		switch {
		case errors.Is(err, os.ErrNotExist):
			stale.Missing = append(stale.Missing, name)
		case err != nil:
			return fmt.Errorf("read docs: %w", err)
		case !bytes.Equal(old, files[name]):
			stale.Differ = append(stale.Differ, name)
		}
	}
	if stale.Extra, err = extraFiles(dir, files); err != nil {
		return err
	}
	if len(stale.Missing)+len(stale.Differ)+len(stale.Extra) > 0 {
		return stale
	}
	return nil
}

// extraFiles lists the Markdown files in dir that the reference does not contain. Other files
// are not the generator's business.
func extraFiles(dir string, files map[string][]byte) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list docs: %w", err)
	}
	var extra []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".md") && files[e.Name()] == nil {
			extra = append(extra, e.Name())
		}
	}
	return extra, nil
}

// render produces every file of the reference, keyed by file name.
func render(dir string, checks []check.Check, fw *framework.Index, opts []Option) (map[string][]byte, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if fw == nil {
		return nil, errors.New("render check reference: no framework index")
	}
	metas, err := sortedMetas(checks)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	byID := map[string]check.Check{}
	for _, c := range checks {
		byID[c.Metadata().ID] = c
	}
	for _, m := range metas {
		ex, err := findExamples(cfg.root, dir, m)
		if err != nil {
			return nil, err
		}
		files[m.ID+".md"] = renderCheck(byID[m.ID], fw, ex)
	}
	files[IndexFile] = renderIndex(metas, fw)
	return files, nil
}

// sortedMetas returns the checks' metadata in ID order, rejecting duplicate IDs and unknown
// layers, which would make pages overwrite each other or vanish from the index.
func sortedMetas(checks []check.Check) ([]*check.Meta, error) {
	seen := map[string]bool{}
	var metas []*check.Meta
	var errs []error
	for _, c := range checks {
		m := c.Metadata()
		if seen[m.ID] {
			errs = append(errs, fmt.Errorf("check %s is listed twice", m.ID))
			continue
		}
		if _, err := check.ParseLayer(string(m.Layer)); err != nil || !idPattern.MatchString(m.ID) {
			errs = append(errs, fmt.Errorf("check %q: invalid ID or layer %q", m.ID, m.Layer))
			continue
		}
		seen[m.ID] = true
		metas = append(metas, m)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("render check reference: %w", err)
	}
	sort.Slice(metas, func(i, j int) bool { return metas[i].ID < metas[j].ID })
	return metas, nil
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
