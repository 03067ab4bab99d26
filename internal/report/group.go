package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
)

// Exit codes of a scan, documented in docs/json-report.md.
const (
	ExitOK       = 0 // nothing at or above the --fail-on severity
	ExitFindings = 1 // findings at or above it
	ExitError    = 2 // usage or input error
)

// ExitCode is the exit status a scan with this report ends with: input errors first (the
// report is incomplete), then findings at or above failOn. failOn 0 never fails on findings.
func (r *Report) ExitCode(failOn check.Severity) int {
	switch {
	case len(r.Errors) > 0:
		return ExitError
	case failOn > 0 && len(AtOrAbove(r.Findings, failOn)) > 0:
		return ExitFindings
	}
	return ExitOK
}

// AtOrAbove returns the findings whose severity is least or higher, keeping their order.
func AtOrAbove(fs []*posture.Finding, least check.Severity) []*posture.Finding {
	var out []*posture.Finding
	for _, f := range fs {
		if f.Severity >= least {
			out = append(out, f)
		}
	}
	return out
}

// WithMinSeverity returns a copy of r without the findings (and suppressed findings) below least,
// its summary recounted. Coverage is per check and stays whole.
func (r *Report) WithMinSeverity(least check.Severity) *Report {
	cp := *r
	cp.Findings = AtOrAbove(r.Findings, least)
	cp.Suppressed = AtOrAbove(r.Suppressed, least)
	cp.Summary = summarize(&cp, r.Summary.Objects)
	return &cp
}

// SeverityGroup holds the findings of one severity.
type SeverityGroup struct {
	Severity check.Severity
	Findings []*posture.Finding
}

// LayerGroup holds the findings of one layer by severity, most severe first.
type LayerGroup struct {
	Layer      check.Layer
	Severities []SeverityGroup
}

// GroupFindings groups findings by layer, bottom of the stack first (check.Layers), then by
// severity, most severe first; empty groups are left out and order within a group is kept.
func GroupFindings(fs []*posture.Finding) []LayerGroup {
	var out []LayerGroup
	for _, l := range check.Layers {
		g := LayerGroup{Layer: l}
		for _, sev := range check.Severities {
			var in []*posture.Finding
			for _, f := range fs {
				if f.Check.Layer == l && f.Severity == sev {
					in = append(in, f)
				}
			}
			if len(in) > 0 {
				g.Severities = append(g.Severities, SeverityGroup{Severity: sev, Findings: in})
			}
		}
		if len(g.Severities) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// Result is how one check ended, with its findings.
type Result struct {
	Check      *check.Meta
	Coverage   posture.Coverage
	Findings   []*posture.Finding
	Suppressed []*posture.Finding
}

// LayerResults holds the results of the checks of one layer, in ID order.
type LayerResults struct {
	Layer   check.Layer
	Results []Result
}

// Results returns one result per check that ran, grouped by layer (check.Layers order; layers
// without checks are left out). A check without a recorded coverage is reported as an error,
// never as a pass.
func (r *Report) Results() []LayerResults {
	return ResultsOf(r.Checks, r.Coverage, r.Findings, r.Suppressed)
}

// ResultsOf is Results for the parts of a posture that has not been made into a report (which
// sorts every finding): the live API summarises the current posture with it on every request.
func ResultsOf(checks []*check.Meta, coverage []posture.Coverage, findings, suppressed []*posture.Finding) []LayerResults {
	cov := map[string]posture.Coverage{}
	for _, c := range coverage {
		cov[c.CheckID] = c
	}
	byID := byCheck(findings)
	suppressedByID := byCheck(suppressed)
	var out []LayerResults
	for _, l := range check.Layers {
		lr := LayerResults{Layer: l}
		for _, m := range checks {
			if m.Layer != l {
				continue
			}
			c, ok := cov[m.ID]
			if !ok {
				c = posture.Coverage{CheckID: m.ID, Status: posture.StatusError, Reason: "no result was recorded for this check"}
			}
			lr.Results = append(lr.Results, Result{Check: m, Coverage: c, Findings: byID[m.ID], Suppressed: suppressedByID[m.ID]})
		}
		if len(lr.Results) > 0 {
			out = append(out, lr)
		}
	}
	return out
}

func byCheck(fs []*posture.Finding) map[string][]*posture.Finding {
	out := map[string][]*posture.Finding{}
	for _, f := range fs {
		out[f.Check.ID] = append(out[f.Check.ID], f)
	}
	return out
}

// NotAssessed returns the coverage of the checks that could not look at their input.
func (r *Report) NotAssessed() []posture.Coverage {
	var out []posture.Coverage
	for _, c := range r.Coverage {
		if c.Status == posture.StatusNotAssessed {
			out = append(out, c)
		}
	}
	return out
}

// Fingerprint is a hash of the finding's stable key: the same finding gets the same
// fingerprint in every scan, and the key itself (object names, paths) is not exposed.
func Fingerprint(f *posture.Finding) string {
	sum := sha256.Sum256([]byte(f.Key()))
	return hex.EncodeToString(sum[:])
}

// ObjectName renders a finding's object as kind/namespace/name, or "the cluster" when a
// finding is not about one object.
func ObjectName(ref check.Ref) string {
	if ref.Kind == "" && ref.Name == "" {
		return "the cluster"
	}
	return ref.String()
}

// Where renders a location as file:line, file, or "" when unknown.
func Where(loc check.Location) string {
	switch {
	case loc.File == "":
		return ""
	case loc.Line > 0:
		return fmt.Sprintf("%s:%d", loc.File, loc.Line)
	}
	return loc.File
}
