package posture

import (
	"cmp"
	"sort"
	"strings"
	"time"

	"github.com/strata-sec/strata/internal/check"
)

// Status is how a check ended for its scope.
type Status string

const (
	StatusPass        Status = "pass"
	StatusFail        Status = "fail"
	StatusNotAssessed Status = "not-assessed"
	StatusError       Status = "error"
)

// FrameworkRef places a finding in a framework ("pss-baseline", "privileged").
type FrameworkRef struct {
	ID      string `json:"id"`
	Control string `json:"control"`
}

// Finding is one violation of one check by one object.
type Finding struct {
	Check *check.Meta
	// Severity is the finding's severity: the check's, unless the violation set its own.
	Severity   check.Severity
	Object     check.Ref
	Path       string
	Message    string
	Fix        []check.PatchOp
	Location   check.Location
	Frameworks []FrameworkRef
	// Exemption is set on suppressed findings: the exemption that applied.
	Exemption *Exemption
}

// Key is the finding's stable identity: (check ID, object identity, field path). Two postures
// are diffed on it.
func (f *Finding) Key() string {
	id := f.Object.UID
	if id == "" {
		id = f.Object.APIVersion + "/" + f.Object.Kind + "/" + f.Object.Namespace + "/" + f.Object.Name
	}
	return f.Check.ID + "|" + id + "|" + f.Path
}

// Coverage is the outcome of one check over everything it could look at.
type Coverage struct {
	CheckID string `json:"checkID"`
	Status  Status `json:"status"`
	Reason  string `json:"reason,omitempty"`
	// Evaluated counts the objects (or scopes) the check looked at; Failed those with findings.
	Evaluated int `json:"evaluated"`
	Failed    int `json:"failed"`
	// Errors holds internal check failures; they turn the status to error, never to pass.
	Errors []string `json:"errors,omitempty"`
}

// InputError is input strata could not read, with where it is.
type InputError struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// Exemption is an accepted risk: from an object annotation or the config file.
type Exemption struct {
	Checks  []string   `json:"checks"`
	Reason  string     `json:"reason"`
	Owner   string     `json:"owner,omitempty"`
	Expires *time.Time `json:"expires,omitempty"`
	// Source is "annotation" or the config file and line that declared it.
	Source string `json:"source"`
	// Expired is set when the exemption's expiry has passed: it no longer applies.
	Expired bool `json:"expired,omitempty"`
	// Used counts the findings it suppressed.
	Used int `json:"used"`
}

// Posture is the result of evaluating checks over an inventory.
type Posture struct {
	Checks     []*check.Meta
	Findings   []*Finding
	Suppressed []*Finding
	Coverage   []Coverage
	Errors     []InputError
	Exemptions []*Exemption
}

// Sort orders findings by severity (most severe first), then layer, check, object and path, so
// every sink prints them in the same order.
func (p *Posture) Sort() {
	for _, fs := range [][]*Finding{p.Findings, p.Suppressed} {
		SortFindings(fs)
	}
	sort.SliceStable(p.Coverage, func(i, j int) bool { return p.Coverage[i].CheckID < p.Coverage[j].CheckID })
}

// Compare orders findings like Sort: negative when a sorts before b, zero when neither does.
func Compare(a, b *Finding) int {
	if a.Severity != b.Severity {
		return cmp.Compare(b.Severity, a.Severity)
	}
	if c := strings.Compare(a.Check.ID, b.Check.ID); c != 0 {
		return c
	}
	if c := strings.Compare(a.Location.File, b.Location.File); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Location.Line, b.Location.Line); c != 0 {
		return c
	}
	if c := compareObjects(a, b); c != 0 {
		return c
	}
	return strings.Compare(a.Path, b.Path)
}

func less(a, b *Finding) bool { return Compare(a, b) < 0 }
