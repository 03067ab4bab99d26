package framework

import (
	"embed"
	"fmt"
	"sort"
	"strings"

	"github.com/strata-sec/strata/internal/posture"
)

//go:embed data/*.yaml
var dataFS embed.FS

// Assessment says whether a benchmark item can be checked mechanically. Frameworks without the
// distinction leave it empty.
type Assessment string

const (
	AssessmentAutomated Assessment = "automated"
	AssessmentManual    Assessment = "manual"
)

// Control is one item of a framework (a benchmark recommendation, a guide section, an ATT&CK
// technique) and the strata checks that assess it. No checks means strata does not cover it.
type Control struct {
	ID         string
	Title      string
	Assessment Assessment
	Checks     []string
	// NotAssessed, for a control no check assesses, says why and how to audit it by hand.
	NotAssessed string
}

// Framework is one compliance or threat framework.
type Framework struct {
	// ID is the short name used on the command line and in reports ("cis-kubernetes-1.10").
	ID      string
	Title   string
	Version string
	URL     string
	// Scope says which part of the framework the controls cover when it is not all of it.
	Scope    string
	Controls []Control
	// Source is the data file the framework was read from.
	Source string
}

// Control returns the control with the given ID.
func (f Framework) Control(id string) (Control, bool) {
	for _, c := range f.Controls {
		if c.ID == id {
			return c, true
		}
	}
	return Control{}, false
}

// Covered counts the controls that at least one check for which known returns true assesses.
func (f Framework) Covered(known func(id string) bool) int {
	n := 0
	for _, c := range f.Controls {
		for _, id := range c.Checks {
			if known(id) {
				n++
				break
			}
		}
	}
	return n
}

// Index is every framework and, for each check, the controls it implements. It is immutable
// once loaded; accessors return copies.
type Index struct {
	frameworks []Framework // sorted by ID
	byCheck    map[string][]posture.FrameworkRef
}

// Load parses the framework data embedded in strata.
func Load() (*Index, error) { return loadFS(dataFS, "data") }

func newIndex(fws []Framework) *Index {
	sort.Slice(fws, func(i, j int) bool { return fws[i].ID < fws[j].ID })
	idx := &Index{frameworks: fws, byCheck: map[string][]posture.FrameworkRef{}}
	for _, f := range fws {
		for _, c := range f.Controls {
			for _, id := range c.Checks {
				idx.byCheck[id] = append(idx.byCheck[id], posture.FrameworkRef{ID: f.ID, Control: c.ID})
			}
		}
	}
	for _, refs := range idx.byCheck {
		sortRefs(refs)
	}
	return idx
}

// sortRefs orders references by framework, then by control in natural order (5.2.2 before
// 5.2.10), so reports list them the way the frameworks do.
func sortRefs(refs []posture.FrameworkRef) {
	sort.SliceStable(refs, func(i, j int) bool {
		if refs[i].ID != refs[j].ID {
			return refs[i].ID < refs[j].ID
		}
		return naturalLess(refs[i].Control, refs[j].Control)
	})
}

// ForCheck returns the framework controls check id implements, sorted by framework and control.
func (x *Index) ForCheck(id string) []posture.FrameworkRef {
	return append([]posture.FrameworkRef(nil), x.byCheck[id]...)
}

// Map returns check ID to framework controls for every mapped check, the shape
// engine.Options.Frameworks takes.
func (x *Index) Map() map[string][]posture.FrameworkRef {
	out := make(map[string][]posture.FrameworkRef, len(x.byCheck))
	for id, refs := range x.byCheck {
		out[id] = append([]posture.FrameworkRef(nil), refs...)
	}
	return out
}

// Frameworks returns every framework, sorted by ID.
func (x *Index) Frameworks() []Framework {
	out := make([]Framework, len(x.frameworks))
	for i, f := range x.frameworks {
		out[i] = copyFramework(f)
	}
	return out
}

// Lookup finds a framework by ID, ignoring case and surrounding space. Callers turn a miss into
// a usage error naming the valid IDs (see IDs), never into an empty report.
func (x *Index) Lookup(name string) (Framework, bool) {
	want := strings.ToLower(strings.TrimSpace(name))
	for _, f := range x.frameworks {
		if f.ID == want {
			return copyFramework(f), true
		}
	}
	return Framework{}, false
}

// IDs returns the framework IDs, sorted.
func (x *Index) IDs() []string {
	out := make([]string, len(x.frameworks))
	for i, f := range x.frameworks {
		out[i] = f.ID
	}
	return out
}

// Validate reports every mapped check ID for which known returns false, with the controls that
// name it, so a mapping never silently points at a check that does not exist.
func (x *Index) Validate(known func(id string) bool) error {
	var unknown []string
	for id := range x.byCheck {
		if !known(id) {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	parts := make([]string, len(unknown))
	for i, id := range unknown {
		var where []string
		for _, r := range x.byCheck[id] {
			where = append(where, r.ID+" "+r.Control)
		}
		parts[i] = fmt.Sprintf("%s (%s)", id, strings.Join(where, ", "))
	}
	return fmt.Errorf("framework mappings name %d unregistered check(s):\n  %s", len(unknown), strings.Join(parts, "\n  "))
}

func copyFramework(f Framework) Framework {
	cs := make([]Control, len(f.Controls))
	for i, c := range f.Controls {
		c.Checks = append([]string{}, c.Checks...)
		cs[i] = c
	}
	f.Controls = cs
	return f
}

// naturalLess compares strings treating runs of digits as numbers: "5.2.2" < "5.2.10" and
// "T1552.001" < "T1552.007".
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		ra, restA := leadingRun(a)
		rb, restB := leadingRun(b)
		if ra != rb {
			if isDigit(ra[0]) && isDigit(rb[0]) {
				na, nb := strings.TrimLeft(ra, "0"), strings.TrimLeft(rb, "0")
				if len(na) != len(nb) {
					return len(na) < len(nb)
				}
				if na != nb {
					return na < nb
				}
				return len(ra) < len(rb)
			}
			return ra < rb
		}
		a, b = restA, restB
	}
	return len(a) < len(b)
}

// leadingRun splits s after its first run of digits or of non-digits.
func leadingRun(s string) (run, rest string) {
	d := isDigit(s[0])
	i := 1
	for i < len(s) && isDigit(s[i]) == d {
		i++
	}
	return s[:i], s[i:]
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
