package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/redact"
	"github.com/strata-sec/strata/internal/report"
)

type testsuites struct {
	XMLName   xml.Name    `xml:"testsuites"`
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Suites    []testsuite `xml:"testsuite"`
}

type testsuite struct {
	Name      string     `xml:"name,attr"`
	Tests     int        `xml:"tests,attr"`
	Failures  int        `xml:"failures,attr"`
	Errors    int        `xml:"errors,attr"`
	Skipped   int        `xml:"skipped,attr"`
	Timestamp string     `xml:"timestamp,attr"`
	Cases     []testcase `xml:"testcase"`
}

type testcase struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	Failure   *outcome `xml:"failure,omitempty"`
	Error     *outcome `xml:"error,omitempty"`
	Skipped   *outcome `xml:"skipped,omitempty"`
	SystemOut *text    `xml:"system-out,omitempty"`
}

// Multi-line text is written as CDATA so that CI systems show it as it reads; cdata makes it
// safe to write (encoding/xml splits any "]]>").
type outcome struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",cdata"`
}

type text struct {
	Text string `xml:",cdata"`
}

// clean drops the characters XML 1.0 cannot hold at all (most control characters): CDATA
// sections are written as they are, unlike attributes and escaped text.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}

// Render writes r as JUnit XML.
func Render(w io.Writer, r *report.Report) error {
	doc, err := build(r)
	if err != nil {
		return err
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode junit report: %w", err)
	}
	if _, err := io.WriteString(w, xml.Header+string(out)+"\n"); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	return nil
}

func build(r *report.Report) (*testsuites, error) {
	stamp := r.GeneratedAt.UTC().Format(time.RFC3339)
	doc := &testsuites{Name: r.Tool.Name, Timestamp: stamp}
	for _, lr := range r.Results() {
		suite := testsuite{Name: string(lr.Layer), Timestamp: stamp}
		for _, res := range lr.Results {
			tc, err := testCase(res)
			if err != nil {
				return nil, err
			}
			suite.add(tc)
		}
		doc.add(suite)
	}
	if len(r.Errors) > 0 {
		suite := testsuite{Name: "input", Timestamp: stamp}
		for _, e := range r.Errors {
			name := report.Where(check.Location{File: e.File, Line: e.Line})
			if name == "" {
				name = "input"
			}
			msg := redact.String(e.Message)
			suite.add(testcase{Name: redact.String(name), Classname: r.Tool.Name + ".input",
				Error: &outcome{Message: msg, Type: "input-error", Text: clean(msg)}})
		}
		doc.add(suite)
	}
	return doc, nil
}

func (s *testsuite) add(tc testcase) {
	s.Cases = append(s.Cases, tc)
	s.Tests++
	switch {
	case tc.Failure != nil:
		s.Failures++
	case tc.Error != nil:
		s.Errors++
	case tc.Skipped != nil:
		s.Skipped++
	}
}

func (d *testsuites) add(s testsuite) {
	d.Suites = append(d.Suites, s)
	d.Tests += s.Tests
	d.Failures += s.Failures
	d.Errors += s.Errors
	d.Skipped += s.Skipped
}

func testCase(res report.Result) (testcase, error) {
	m, c := res.Check, res.Coverage
	tc := testcase{
		Name:      fmt.Sprintf("%s %s: %s", m.ID, m.Slug, redact.String(m.Title)),
		Classname: "strata." + string(m.Layer),
	}
	switch c.Status {
	case posture.StatusFail:
		text, err := findingsText(res.Findings)
		if err != nil {
			return tc, err
		}
		tc.Failure = &outcome{Type: m.Severity.String(), Text: clean(text),
			Message: fmt.Sprintf("%d finding(s), %s; %d of %d object(s) failed", len(res.Findings), m.Severity, c.Failed, c.Evaluated)}
	case posture.StatusError:
		tc.Error = &outcome{Type: "check-error", Message: redact.String(c.Reason), Text: clean(redact.String(strings.Join(c.Errors, "\n")))}
	case posture.StatusNotAssessed:
		tc.Skipped = &outcome{Message: redact.String("not assessed: " + c.Reason)}
	}
	if out := suppressedText(res.Suppressed); out != "" {
		tc.SystemOut = &text{Text: clean(out)}
	}
	return tc, nil
}

// findingsText lists each finding: object, location, field path, message, remediation and fix.
func findingsText(fs []*posture.Finding) (string, error) {
	var b strings.Builder
	for i, f := range fs {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s\n", report.ObjectName(f.Object))
		if where := report.Where(f.Location); where != "" {
			fmt.Fprintf(&b, "  location: %s\n", redact.String(where))
		}
		if f.Path != "" {
			fmt.Fprintf(&b, "  path: %s\n", redact.String(f.Path))
		}
		fmt.Fprintf(&b, "  message: %s\n", redact.String(f.Message))
		fmt.Fprintf(&b, "  remediation: %s\n", redact.String(f.Check.Remediation))
		ops, err := report.Patch(f.Fix)
		if err != nil {
			return "", fmt.Errorf("finding %s on %s: %w", f.Check.ID, f.Object, err)
		}
		if len(ops) > 0 {
			patch, err := report.CompactPatch(ops)
			if err != nil {
				return "", fmt.Errorf("finding %s on %s: %w", f.Check.ID, f.Object, err)
			}
			fmt.Fprintf(&b, "  fix: %s\n", patch)
		}
	}
	return b.String(), nil
}

// suppressedText names the findings an exemption suppressed, so the accepted risk stays visible.
func suppressedText(fs []*posture.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "suppressed: %s", report.ObjectName(f.Object))
		if f.Path != "" {
			fmt.Fprintf(&b, " %s", f.Path)
		}
		if e := f.Exemption; e != nil {
			fmt.Fprintf(&b, " (exempted by %s: %s)", e.Source, e.Reason)
		}
		b.WriteString("\n")
	}
	return redact.String(b.String())
}
