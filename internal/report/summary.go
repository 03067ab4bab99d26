package report

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
)

// Summary counts what a report holds.
type Summary struct {
	// Findings counts unsuppressed findings; BySeverity and ByLayer break them down and hold an
	// entry for every severity and layer.
	Findings   int
	BySeverity map[check.Severity]int
	ByLayer    map[check.Layer]int
	Suppressed int
	// Coverage holds one entry per layer, in check.Layers order.
	Coverage []LayerCoverage
	// Objects counts the objects scanned; ChecksRun the checks that ran.
	Objects           int
	ChecksRun         int
	InputErrors       int
	ExpiredExemptions int
	// WorstSeverity is the severity of the most severe finding, 0 when there is none.
	WorstSeverity check.Severity
}

// LayerCoverage counts how the checks of one layer ended.
type LayerCoverage struct {
	Layer       check.Layer
	Pass        int
	Fail        int
	NotAssessed int
	Error       int
}

// Checks is the number of checks of the layer with a result.
func (c LayerCoverage) Checks() int { return c.Pass + c.Fail + c.NotAssessed + c.Error }

func (c *LayerCoverage) add(st posture.Status) {
	switch st {
	case posture.StatusPass:
		c.Pass++
	case posture.StatusFail:
		c.Fail++
	case posture.StatusNotAssessed:
		c.NotAssessed++
	case posture.StatusError:
		c.Error++
	}
}

func summarize(r *Report, objects int) Summary {
	s := Summary{
		Findings:    len(r.Findings),
		BySeverity:  map[check.Severity]int{},
		ByLayer:     map[check.Layer]int{},
		Suppressed:  len(r.Suppressed),
		Objects:     objects,
		ChecksRun:   len(r.Checks),
		InputErrors: len(r.Errors),
	}
	for _, sev := range check.Severities {
		s.BySeverity[sev] = 0
	}
	for _, l := range check.Layers {
		s.ByLayer[l] = 0
	}
	for _, f := range r.Findings {
		s.BySeverity[f.Severity]++
		s.ByLayer[f.Check.Layer]++
		s.WorstSeverity = max(s.WorstSeverity, f.Severity)
	}
	// Coverage counts come from Results, so a check without a recorded outcome counts as an
	// error here too, as it does in every format.
	s.Coverage = make([]LayerCoverage, len(check.Layers))
	pos := map[check.Layer]int{}
	for i, l := range check.Layers {
		s.Coverage[i].Layer, pos[l] = l, i
	}
	for _, lr := range r.Results() {
		lc := &s.Coverage[pos[lr.Layer]]
		for _, res := range lr.Results {
			lc.add(res.Coverage.Status)
		}
	}
	for _, e := range r.Exemptions {
		if e.Expired {
			s.ExpiredExemptions++
		}
	}
	return s
}
