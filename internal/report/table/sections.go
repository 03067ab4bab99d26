package table

import (
	"fmt"
	"strings"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/report"
)

// coverage prints how the checks of every layer ended, so that a layer nobody looked at never
// reads as a clean one.
func coverage(p *printer, r *report.Report) {
	section(p, "COVERAGE")
	p.line(p.style(dim, fmt.Sprintf("  %-10s %6s %6s %14s %7s", "layer", "pass", "fail", "not-assessed", "error")))
	for _, c := range r.Summary.Coverage {
		row := coverageRow(p, string(c.Layer), c, true)
		if c.Checks() == 0 {
			// Zeros everywhere would read as clean; say that nothing looked.
			row += p.style(yellow, "   no checks ran")
		}
		p.line(row)
	}
	p.line(coverageRow(p, "total", totals(r.Summary), false))
}

// controls prints, per framework, how its controls ended: a benchmark item no check automates,
// or whose checks this scan did not run, is counted as not assessed, never as passed.
func controls(p *printer, r *report.Report) {
	if len(r.ControlSummary) == 0 {
		return
	}
	section(p, "FRAMEWORK CONTROLS")
	p.line(p.style(dim, fmt.Sprintf("  %-24s %6s %6s %14s %7s", "framework", "pass", "fail", "not-assessed", "error")))
	for _, f := range r.ControlSummary {
		p.line(fmt.Sprintf("  %-24s", f.Framework) + cell(p, f.Pass, 6, green) + cell(p, f.Fail, 6, red) +
			cell(p, f.NotAssessed, 14, yellow) + cell(p, f.Error, 7, red))
	}
	p.line(p.style(dim, "  the JSON report lists every control with its status and reason"))
}

func coverageRow(p *printer, name string, c report.LayerCoverage, colored bool) string {
	styles := [4]string{green, red, yellow, red}
	if !colored {
		styles = [4]string{}
	}
	return fmt.Sprintf("  %-10s", name) + cell(p, c.Pass, 6, styles[0]) + cell(p, c.Fail, 6, styles[1]) +
		cell(p, c.NotAssessed, 14, styles[2]) + cell(p, c.Error, 7, styles[3])
}

// cell right-aligns a number and colours it when it is not zero. The padding is applied before
// the colour so that escape codes do not shift the columns.
func cell(p *printer, n, width int, style string) string {
	s := fmt.Sprintf(" %*d", width, n)
	if n == 0 {
		return s
	}
	return p.style(style, s)
}

func totals(s report.Summary) report.LayerCoverage {
	var t report.LayerCoverage
	for _, c := range s.Coverage {
		t.Pass += c.Pass
		t.Fail += c.Fail
		t.NotAssessed += c.NotAssessed
		t.Error += c.Error
	}
	return t
}

func notAssessed(p *printer, r *report.Report) {
	list := r.NotAssessed()
	if len(list) == 0 {
		return
	}
	section(p, fmt.Sprintf("NOT ASSESSED (%d)", len(list)))
	for _, c := range list {
		p.wrapped(2, checkLabel(r, c.CheckID)+": ", text(c.Reason))
	}
}

func checkErrors(p *printer, r *report.Report) {
	var list []posture.Coverage
	for _, c := range r.Coverage {
		if c.Status == posture.StatusError {
			list = append(list, c)
		}
	}
	if len(list) == 0 {
		return
	}
	section(p, p.style(red, fmt.Sprintf("CHECK ERRORS (%d)", len(list))))
	for _, c := range list {
		p.wrapped(2, checkLabel(r, c.CheckID)+": ", text(c.Reason))
		for _, e := range c.Errors {
			p.wrapped(4, "", text(e))
		}
	}
}

func checkLabel(r *report.Report, id string) string {
	if m := r.Check(id); m != nil {
		return id + " " + m.Slug
	}
	return id
}

func inputErrors(p *printer, r *report.Report) {
	if len(r.Errors) == 0 {
		return
	}
	section(p, p.style(red, fmt.Sprintf("INPUT ERRORS (%d)", len(r.Errors))))
	for _, e := range r.Errors {
		where := report.Where(check.Location{File: e.File, Line: e.Line})
		if where == "" {
			where = "input"
		}
		p.wrapped(2, text(where)+": ", text(e.Message))
	}
}

// warnings lists exemptions that no longer apply or never matched anything: both usually mean
// the exemption list needs attention.
func warnings(p *printer, r *report.Report) {
	var lines []string
	for _, e := range r.Exemptions {
		checks := strings.Join(e.Checks, ", ")
		switch {
		case e.Expired:
			l := fmt.Sprintf("exemption for %s from %s", checks, e.Source)
			if e.Owner != "" {
				l += " (owner " + e.Owner + ")"
			}
			if e.Expires != nil {
				l += " expired on " + e.Expires.UTC().Format(time.DateOnly)
			} else {
				l += " has expired"
			}
			lines = append(lines, l+"; it no longer applies")
		case e.Used == 0:
			lines = append(lines, fmt.Sprintf("exemption for %s from %s matched no finding", checks, e.Source))
		}
	}
	if len(lines) == 0 {
		return
	}
	section(p, p.style(yellow, fmt.Sprintf("WARNINGS (%d)", len(lines))))
	for _, l := range lines {
		p.wrapped(2, "", text(l))
	}
}

// verdict is the last line: whether the scan is complete and whether it passes the threshold.
func verdict(p *printer, r *report.Report, failOn check.Severity) {
	s := r.Summary
	found := plural(s.Findings, "finding", "findings")
	if s.WorstSeverity.Valid() {
		found += ", worst " + s.WorstSeverity.String()
	}
	above := len(report.AtOrAbove(r.Findings, failOn))
	var status, style, detail string
	switch {
	case failOn > 0 && above > 0:
		status, style = "FAIL", red
		detail = fmt.Sprintf("%d at or above %s (%s)", above, failOn, found)
	case failOn > 0:
		status, style = "PASS", green
		detail = fmt.Sprintf("nothing at or above %s (%s)", failOn, found)
	case s.Findings > 0:
		status, style = "FINDINGS", yellow
		detail = found + "; no --fail-on threshold"
	default:
		status, style = "PASS", green
		detail = "no findings"
	}
	if s.InputErrors > 0 {
		// An incomplete scan neither passes nor fails: what could not be read may hold anything.
		status, style = "INCOMPLETE", red
		detail = plural(s.InputErrors, "input error", "input errors") + "; " + detail
	}
	var gaps []string
	t := totals(s)
	if t.NotAssessed > 0 {
		gaps = append(gaps, plural(t.NotAssessed, "check", "checks")+" not assessed")
	}
	if t.Error > 0 {
		gaps = append(gaps, plural(t.Error, "check", "checks")+" failed internally")
	}
	if len(gaps) > 0 {
		detail += "; " + strings.Join(gaps, ", ")
	}
	p.line("")
	p.wrapped(0, p.style(style, status+":")+" ", detail)
}
