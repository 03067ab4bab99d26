package server

import (
	"math"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/redact"
	"github.com/strata-sec/strata/internal/report"
	"github.com/strata-sec/strata/internal/watch"
)

// severityWeight weighs a check in a layer's score by the severity of what it looks for: one
// critical check counts as much as sixteen informational ones.
var severityWeight = map[check.Severity]float64{
	check.SeverityInfo: 1, check.SeverityLow: 2, check.SeverityMedium: 4, check.SeverityHigh: 8, check.SeverityCritical: 16,
}

type postureJSON struct {
	// Complete is false until the watcher has synced.
	Complete   bool         `json:"complete"`
	Status     watch.Status `json:"status"`
	Findings   int          `json:"findings"`
	Suppressed int          `json:"suppressed"`
	Layers     []layerJSON  `json:"layers"`
}

type layerJSON struct {
	Layer    string         `json:"layer"`
	Findings severityCounts `json:"findings"`
	// Score is the severity-weighted share of assessed checks that pass, 0 to 100; null when
	// no check of the layer could be assessed.
	Score    *float64     `json:"score"`
	Checks   int          `json:"checks"`
	Coverage coverageJSON `json:"coverage"`
}

type severityCounts struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Info     int `json:"info"`
}

func (c *severityCounts) add(s check.Severity) {
	switch s {
	case check.SeverityCritical:
		c.Critical++
	case check.SeverityHigh:
		c.High++
	case check.SeverityMedium:
		c.Medium++
	case check.SeverityLow:
		c.Low++
	case check.SeverityInfo:
		c.Info++
	}
}

type coverageJSON struct {
	Layer       string `json:"layer,omitempty"`
	Pass        int    `json:"pass"`
	Fail        int    `json:"fail"`
	NotAssessed int    `json:"notAssessed"`
	Error       int    `json:"error"`
}

// summarize counts a posture per layer, bottom of the stack first. A check without recorded
// coverage counts as an error, never as a pass.
func summarize(p *posture.Posture, st watch.Status) postureJSON {
	out := postureJSON{Complete: st.Synced, Status: st, Findings: len(p.Findings), Suppressed: len(p.Suppressed)}
	// List and watch errors are free text from the API server: redact them like any evidence.
	out.Status.Kinds = make([]watch.KindStatus, len(st.Kinds))
	for i, k := range st.Kinds {
		k.Error, k.Denied = redact.String(k.Error), redact.String(k.Denied)
		out.Status.Kinds[i] = k
	}
	pos := map[check.Layer]int{}
	out.Layers = make([]layerJSON, len(check.Layers))
	for i, l := range check.Layers {
		pos[l] = i
		out.Layers[i].Layer = string(l)
	}
	passW := make([]float64, len(check.Layers))
	assessedW := make([]float64, len(check.Layers))
	for _, lr := range report.ResultsOf(p.Checks, p.Coverage, p.Findings, nil) {
		i := pos[lr.Layer]
		l := &out.Layers[i]
		for _, res := range lr.Results {
			l.Checks++
			for _, f := range res.Findings {
				l.Findings.add(f.Severity)
			}
			w := severityWeight[res.Check.Severity]
			switch res.Coverage.Status {
			case posture.StatusPass:
				l.Coverage.Pass++
				passW[i] += w
				assessedW[i] += w
			case posture.StatusFail:
				l.Coverage.Fail++
				assessedW[i] += w
			case posture.StatusNotAssessed:
				l.Coverage.NotAssessed++
			default:
				l.Coverage.Error++
			}
		}
	}
	for i := range out.Layers {
		if assessedW[i] > 0 {
			v := math.Round(1000*passW[i]/assessedW[i]) / 10
			out.Layers[i].Score = &v
		}
	}
	return out
}
