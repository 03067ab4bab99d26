package report

import (
	"fmt"
	"strings"

	"github.com/strata-sec/strata/internal/framework"
	"github.com/strata-sec/strata/internal/posture"
)

// ControlCoverage is how one framework control ended in a scan, from the checks mapped to it.
// A control no check automates is not-assessed with its manual audit guidance; a control whose
// checks did not run in this scan is not-assessed and says so. Absence of findings never makes
// a control pass by itself.
type ControlCoverage struct {
	Framework string
	Control   string
	Title     string
	Status    posture.Status
	Reason    string
	Checks    []string
}

// FrameworkSummary counts a framework's controls by status.
type FrameworkSummary struct {
	Framework                      string
	Pass, Fail, NotAssessed, Error int
}

// controlCoverage derives every control's status from the coverage of its checks: error if any
// check errored, fail if any failed, pass only if every mapped check ran and passed.
func controlCoverage(fws []framework.Framework, cov []posture.Coverage) []ControlCoverage {
	byCheck := make(map[string]posture.Coverage, len(cov))
	for _, c := range cov {
		byCheck[c.CheckID] = c
	}
	var out []ControlCoverage
	for _, fw := range fws {
		for _, c := range fw.Controls {
			cc := ControlCoverage{Framework: fw.ID, Control: c.ID, Title: c.Title, Checks: c.Checks}
			cc.Status, cc.Reason = controlStatus(c, byCheck)
			out = append(out, cc)
		}
	}
	return out
}

func controlStatus(c framework.Control, byCheck map[string]posture.Coverage) (posture.Status, string) {
	if len(c.Checks) == 0 {
		return posture.StatusNotAssessed, "no automated check: " + c.NotAssessed
	}
	var failed, errored, missing, open []string
	for _, id := range c.Checks {
		cov, ran := byCheck[id]
		switch {
		case !ran:
			missing = append(missing, id)
		case cov.Status == posture.StatusError:
			errored = append(errored, id)
		case cov.Status == posture.StatusFail:
			failed = append(failed, id)
		case cov.Status == posture.StatusNotAssessed:
			open = append(open, fmt.Sprintf("%s: %s", id, cov.Reason))
		}
	}
	switch {
	case len(errored) > 0:
		return posture.StatusError, "check errored: " + strings.Join(errored, ", ")
	case len(failed) > 0:
		return posture.StatusFail, "findings of " + strings.Join(failed, ", ")
	case len(missing) > 0:
		return posture.StatusNotAssessed, "not run in this scan: " + strings.Join(missing, ", ")
	case len(open) > 0:
		return posture.StatusNotAssessed, strings.Join(open, "; ")
	}
	return posture.StatusPass, ""
}

// summarizeControls counts each framework's controls by status, in framework order.
func summarizeControls(cs []ControlCoverage) []FrameworkSummary {
	var out []FrameworkSummary
	for _, c := range cs {
		if len(out) == 0 || out[len(out)-1].Framework != c.Framework {
			out = append(out, FrameworkSummary{Framework: c.Framework})
		}
		s := &out[len(out)-1]
		switch c.Status {
		case posture.StatusPass:
			s.Pass++
		case posture.StatusFail:
			s.Fail++
		case posture.StatusError:
			s.Error++
		default:
			s.NotAssessed++
		}
	}
	return out
}
