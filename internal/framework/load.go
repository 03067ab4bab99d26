package framework

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The file format. Every field is declared here; the decoder rejects any other.
type fileDoc struct {
	Frameworks []frameworkDoc `yaml:"frameworks"`
}

type frameworkDoc struct {
	ID       scalar       `yaml:"id"`
	Title    scalar       `yaml:"title"`
	Version  scalar       `yaml:"version"`
	URL      scalar       `yaml:"url"`
	Scope    scalar       `yaml:"scope"`
	Controls []controlDoc `yaml:"controls"`
}

type controlDoc struct {
	ID         scalar   `yaml:"id"`
	Title      scalar   `yaml:"title"`
	Assessment scalar   `yaml:"assessment"`
	Checks     []scalar `yaml:"checks"`
	// NotAssessed says why no check assesses the control: for a manual item, the audit a person
	// performs instead, in one sentence.
	NotAssessed scalar `yaml:"notAssessed"`
}

// scalar is a YAML scalar kept as written (so "5.10" stays a string, not a float) with its
// line, so validation errors can point at it.
type scalar struct {
	Value string
	Line  int
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (s *scalar) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a scalar value", n.Line)
	}
	s.Line = n.Line
	if n.Tag != "!!null" {
		s.Value = strings.TrimSpace(n.Value)
	}
	return nil
}

var (
	checkIDPattern     = regexp.MustCompile(`^ST-[0-9]{4}$`)
	frameworkIDPattern = regexp.MustCompile(`^[a-z0-9]+([.-][a-z0-9]+)*$`)
)

// LoadFS parses every *.yaml file in dir of fsys; Load uses the embedded data. Every problem in
// every file is reported, each with its file and line.
func LoadFS(fsys fs.FS, dir string) (*Index, error) { return loadFS(fsys, dir) }

func loadFS(fsys fs.FS, dir string) (*Index, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("list framework data: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no framework data files in %s", dir)
	}
	sort.Strings(names)
	var fws []Framework
	var errs []error
	seen := map[string]string{}
	for _, name := range names {
		parsed, err := parseFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, f := range parsed {
			if prev, dup := seen[f.ID]; dup {
				errs = append(errs, fmt.Errorf("%s: framework %q is already defined in %s", name, f.ID, prev))
				continue
			}
			seen[f.ID] = name
			fws = append(fws, f)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return newIndex(fws), nil
}

func parseFile(fsys fs.FS, name string) ([]Framework, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read framework data: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var doc fileDoc
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: file is empty", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, fmt.Errorf("%s: %w", name, err)
	default:
		return nil, fmt.Errorf("%s: line %d: only one YAML document is allowed", name, extra.Line)
	}
	if len(doc.Frameworks) == 0 {
		return nil, fmt.Errorf("%s: no frameworks defined", name)
	}
	var out []Framework
	var errs []error
	for _, fd := range doc.Frameworks {
		f, ferrs := convert(name, fd)
		errs = append(errs, ferrs...)
		out = append(out, f)
	}
	return out, errors.Join(errs...)
}

// convert validates one framework and reports every problem with its position.
func convert(file string, fd frameworkDoc) (Framework, []error) {
	var errs []error
	bad := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: line %d: %s", file, line, fmt.Sprintf(format, args...)))
	}
	f := Framework{ID: fd.ID.Value, Title: fd.Title.Value, Version: fd.Version.Value,
		URL: fd.URL.Value, Scope: fd.Scope.Value, Source: path.Base(file)}
	if !frameworkIDPattern.MatchString(f.ID) {
		bad(fd.ID.Line, "framework id %q must be lower-case words joined by '-' or '.'", f.ID)
	}
	for _, req := range []struct {
		name string
		s    scalar
	}{{"title", fd.Title}, {"version", fd.Version}, {"url", fd.URL}} {
		if req.s.Value == "" {
			bad(max(req.s.Line, fd.ID.Line), "framework %q: %s is required", f.ID, req.name)
		}
	}
	if f.URL != "" && !strings.HasPrefix(f.URL, "https://") {
		bad(fd.URL.Line, "framework %q: url %q is not HTTPS", f.ID, f.URL)
	}
	if len(fd.Controls) == 0 {
		bad(fd.ID.Line, "framework %q has no controls", f.ID)
	}
	seen := map[string]int{}
	for _, cd := range fd.Controls {
		c, cerrs := convertControl(file, f.ID, cd)
		errs = append(errs, cerrs...)
		if prev, dup := seen[c.ID]; dup && c.ID != "" {
			bad(cd.ID.Line, "framework %q: control %q is already defined on line %d", f.ID, c.ID, prev)
			continue
		}
		seen[c.ID] = cd.ID.Line
		f.Controls = append(f.Controls, c)
	}
	return f, errs
}

func convertControl(file, fw string, cd controlDoc) (Control, []error) {
	var errs []error
	bad := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: line %d: %s", file, line, fmt.Sprintf(format, args...)))
	}
	c := Control{ID: cd.ID.Value, Title: cd.Title.Value, Assessment: Assessment(cd.Assessment.Value),
		NotAssessed: cd.NotAssessed.Value}
	line := cd.ID.Line
	if c.ID == "" {
		bad(max(line, cd.Title.Line), "framework %q: control without id", fw)
	}
	if c.Title == "" {
		bad(line, "framework %q: control %q has no title", fw, c.ID)
	}
	switch c.Assessment {
	case "", AssessmentAutomated, AssessmentManual:
	default:
		bad(cd.Assessment.Line, "framework %q: control %q: assessment %q is not automated or manual", fw, c.ID, c.Assessment)
	}
	if cd.Checks == nil {
		// An omitted list is ambiguous; an explicit empty one says strata does not cover it.
		bad(line, "framework %q: control %q: checks is missing (write checks: [] for a control no check covers)", fw, c.ID)
	}
	if c.NotAssessed != "" && len(cd.Checks) > 0 {
		// A reason for not assessing a control that checks assess would contradict them.
		bad(cd.NotAssessed.Line, "framework %q: control %q has both checks and a notAssessed reason", fw, c.ID)
	}
	c.Checks = []string{}
	dup := map[string]bool{}
	for _, s := range cd.Checks {
		switch {
		case !checkIDPattern.MatchString(s.Value):
			bad(s.Line, "framework %q: control %q: %q is not a check ID (ST-NNNN)", fw, c.ID, s.Value)
		case dup[s.Value]:
			bad(s.Line, "framework %q: control %q lists %s twice", fw, c.ID, s.Value)
		default:
			dup[s.Value] = true
			c.Checks = append(c.Checks, s.Value)
		}
	}
	return c, errs
}
