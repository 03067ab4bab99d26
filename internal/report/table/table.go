package table

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/report"
)

// DefaultWidth is the width the table is laid out for.
const DefaultWidth = 100

// indent is where a finding's details start, under its title.
const indent = 12

// Options changes how the table looks.
type Options struct {
	// Color writes ANSI colours; the command line sets it for terminals unless --no-color.
	Color bool
	// FailOn is the --fail-on severity the verdict is judged against; 0 means none.
	FailOn check.Severity
	// Width is the line width to wrap at; 0 means DefaultWidth.
	Width int
}

// Render writes r as a plain table without colour.
func Render(w io.Writer, r *report.Report) error { return Options{}.Render(w, r) }

// RenderWith writes r as a table with options.
func RenderWith(w io.Writer, r *report.Report, o Options) error { return o.Render(w, r) }

// Render writes r as a table.
func (o Options) Render(w io.Writer, r *report.Report) error {
	p := &printer{w: w, color: o.Color, width: o.Width}
	if p.width <= 0 {
		p.width = DefaultWidth
	}
	header(p, r)
	if err := findings(p, r); err != nil {
		return err
	}
	suppressed(p, r)
	coverage(p, r)
	controls(p, r)
	notAssessed(p, r)
	checkErrors(p, r)
	inputErrors(p, r)
	warnings(p, r)
	verdict(p, r, o.FailOn)
	if p.err != nil {
		return fmt.Errorf("write table report: %w", p.err)
	}
	return nil
}

func header(p *printer, r *report.Report) {
	title := r.Tool.Name
	if r.Tool.Version != "" {
		title += " " + r.Tool.Version
	}
	sources := make([]string, len(r.Sources))
	for i, s := range r.Sources {
		sources[i] = text(s)
	}
	if len(sources) == 0 {
		sources = []string{"(no sources)"}
	}
	p.wrapped(0, p.style(bold, text(title))+": ", "scan of "+strings.Join(sources, ", "))
	var meta []string
	if r.PSSVersion != "" {
		meta = append(meta, "Pod Security Standards "+text(r.PSSVersion))
	}
	for _, d := range r.Datasets {
		meta = append(meta, fmt.Sprintf("%s of %s", text(d.Name), d.Date.UTC().Format(time.DateOnly)))
	}
	meta = append(meta, "generated "+r.GeneratedAt.UTC().Format(time.RFC3339))
	p.wrapped(0, "", strings.Join(meta, ", "))
	s := r.Summary
	counts := plural(s.Findings, "finding", "findings")
	var parts []string
	for _, sev := range check.Severities {
		if n := s.BySeverity[sev]; n > 0 {
			parts = append(parts, p.style(severityStyle[sev], fmt.Sprintf("%d %s", n, sev)))
		}
	}
	if len(parts) > 0 {
		counts += " (" + strings.Join(parts, ", ") + ")"
	}
	p.wrapped(0, "", fmt.Sprintf("Checked %s with %s: %s, %d suppressed, %s.",
		plural(s.Objects, "object", "objects"), plural(s.ChecksRun, "check", "checks"), counts, s.Suppressed,
		plural(s.InputErrors, "input error", "input errors")))
}

func section(p *printer, title string) {
	p.line("")
	p.line(p.style(bold, title))
}

func findings(p *printer, r *report.Report) error {
	for _, g := range report.GroupFindings(r.Findings) {
		n := 0
		for _, sg := range g.Severities {
			n += len(sg.Findings)
		}
		section(p, fmt.Sprintf("%s (%s)", strings.ToUpper(string(g.Layer)), plural(n, "finding", "findings")))
		for _, sg := range g.Severities {
			for _, f := range sg.Findings {
				if err := finding(p, f); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// finding prints one finding: severity and check on the first line, then object and location,
// field path, message, remediation and patch under it.
func finding(p *printer, f *posture.Finding) error {
	sev := strings.ToUpper(f.Severity.String())
	label := p.style(severityStyle[f.Severity], fmt.Sprintf("%-8s", sev))
	p.line("")
	p.line("  " + label + "  " + p.style(bold, f.Check.ID) + " " + text(f.Check.Title))
	pad := strings.Repeat(" ", indent)
	where := text(report.ObjectName(f.Object))
	if loc := report.Where(f.Location); loc != "" {
		where += " in " + text(loc)
	}
	p.line(pad + where)
	if f.Path != "" {
		p.line(pad + "field: " + text(f.Path))
	}
	p.wrapped(indent, "", text(f.Message))
	p.wrapped(indent, p.style(green, "fix:")+" ", text(f.Check.Remediation))
	ops, err := report.Patch(f.Fix)
	if err != nil {
		return fmt.Errorf("finding %s on %s: %w", f.Check.ID, f.Object, err)
	}
	for _, op := range ops {
		p.wrappedWords(indent, p.style(dim, "patch:")+" ", patchWords(op))
	}
	return nil
}

// patchWords cuts one compact JSON patch operation at its members, the places where it may wrap.
func patchWords(op report.PatchOp) []string {
	words := []string{`{"op":` + quote(op.Op) + `,`, `"path":` + quote(text(op.Path))}
	if op.Value != nil {
		words[1] += ","
		words = append(words, `"value":`+text(string(op.Value)))
	}
	words[len(words)-1] += "}"
	return words
}

// quote writes s as a JSON string without HTML escaping, as the other formats do.
func quote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return strconv.Quote(s)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func suppressed(p *printer, r *report.Report) {
	if len(r.Suppressed) == 0 {
		return
	}
	section(p, fmt.Sprintf("SUPPRESSED (%d)", len(r.Suppressed)))
	for _, f := range r.Suppressed {
		where := text(report.ObjectName(f.Object))
		if loc := report.Where(f.Location); loc != "" {
			where += " in " + text(loc)
		}
		p.line(fmt.Sprintf("  %-8s  %s %s", strings.ToUpper(f.Severity.String()), f.Check.ID, where))
		if e := f.Exemption; e != nil {
			p.wrapped(indent, "", text(fmt.Sprintf("exempted by %s: %s", e.Source, e.Reason)))
		}
	}
}
