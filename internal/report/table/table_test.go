package table

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/golden"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/report"
	"github.com/strata-sec/strata/internal/report/reporttest"
)

func render(t *testing.T, o Options, r *report.Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderWith(&buf, r, o); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestRenderGolden(t *testing.T) {
	r := reporttest.Report()
	golden.Compare(t, "testdata/report.txt.golden", []byte(render(t, Options{FailOn: check.SeverityHigh}, r)))
	golden.Compare(t, "testdata/report-color.txt.golden", []byte(render(t, Options{Color: true, FailOn: check.SeverityHigh}, r)))
}

func TestPlainRenderHasNoColour(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, reporttest.Report()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "\x1b") {
		t.Error("plain output contains escape codes")
	}
	colored := render(t, Options{Color: true}, reporttest.Report())
	if !strings.Contains(colored, "\x1b[1;31mCRITICAL") {
		t.Error("coloured output does not colour the critical finding")
	}
	if stripped := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(colored, ""); stripped != buf.String() {
		t.Errorf("colour changes the layout:\n%s", stripped)
	}
}

func TestFitsTheWidth(t *testing.T) {
	for _, color := range []bool{false, true} {
		for i, l := range strings.Split(render(t, Options{Color: color}, reporttest.Report()), "\n") {
			if w := visibleWidth(l); w > DefaultWidth {
				t.Errorf("color=%v line %d is %d columns: %q", color, i+1, w, l)
			}
		}
	}
}

func TestOrderByLayerThenSeverity(t *testing.T) {
	out := render(t, Options{}, reporttest.Report())
	order := []string{"CONTAINER (1 finding)", "LOW       ST-0041", "WORKLOAD (2 findings)", "CRITICAL  ST-0001",
		"MEDIUM    ST-0020", "NETWORK (1 finding)", "CLUSTER (1 finding)", "SUPPRESSED (1)", "COVERAGE",
		"NOT ASSESSED (1)", "CHECK ERRORS (1)", "INPUT ERRORS (2)", "WARNINGS (1)", "INCOMPLETE:"}
	last := -1
	for _, s := range order {
		i := strings.Index(out, s)
		if i < 0 {
			t.Fatalf("output lacks %q:\n%s", s, out)
		}
		if i < last {
			t.Errorf("%q is out of order", s)
		}
		last = i
	}
}

func TestVerdict(t *testing.T) {
	m := reporttest.SharedPID
	ref := check.Ref{APIVersion: "v1", Kind: "Pod", Namespace: "a", Name: "b"}
	withFinding := &posture.Posture{Checks: []*check.Meta{m},
		Findings: []*posture.Finding{{Check: m, Severity: m.Severity, Object: ref, Message: "x"}},
		Coverage: []posture.Coverage{{CheckID: m.ID, Status: posture.StatusFail, Evaluated: 1, Failed: 1}}}
	clean := &posture.Posture{Checks: []*check.Meta{m},
		Coverage: []posture.Coverage{{CheckID: m.ID, Status: posture.StatusPass, Evaluated: 1}}}
	notAssessed := &posture.Posture{Checks: []*check.Meta{m},
		Coverage: []posture.Coverage{{CheckID: m.ID, Status: posture.StatusNotAssessed, Reason: "no pods"}}}
	tests := []struct {
		name   string
		p      *posture.Posture
		failOn check.Severity
		want   string
	}{
		{"finding at threshold", withFinding, check.SeverityMedium, "FAIL: 1 at or above medium (1 finding, worst medium)"},
		{"finding below threshold", withFinding, check.SeverityHigh, "PASS: nothing at or above high (1 finding, worst medium)"},
		{"no threshold", withFinding, 0, "FINDINGS: 1 finding, worst medium; no --fail-on threshold"},
		{"clean", clean, 0, "PASS: no findings"},
		{"nothing assessed is said", notAssessed, check.SeverityLow, "PASS: nothing at or above low (0 findings); 1 check not assessed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := strings.TrimSpace(render(t, Options{FailOn: tc.failOn}, report.New(tc.p, report.Meta{})))
			if last := out[strings.LastIndex(out, "\n")+1:]; last != tc.want {
				t.Errorf("verdict %q, want %q", last, tc.want)
			}
		})
	}
}

// TestControlCharactersAreNeutralised: a hostile manifest cannot move the cursor or recolour
// the terminal through a message or an object name.
func TestControlCharactersAreNeutralised(t *testing.T) {
	p := reporttest.Posture()
	p.Findings[0].Message = "evil \x1b[2J\x1b[31mcleared\r\nFAKE: line"
	p.Findings[0].Object.Name = "web\x1b]0;title\x07"
	out := render(t, Options{}, report.New(p, reporttest.Meta()))
	if strings.ContainsAny(out, "\x1b\x07\r") {
		t.Error("control characters reached the output")
	}
	if strings.Contains(out, "\nFAKE: line") {
		t.Error("a message forged a line of its own")
	}
}

func TestWrap(t *testing.T) {
	got := wrap(strings.Fields("aaa bbb ccc dddddddddd e"), 7)
	want := []string{"aaa bbb", "ccc", "dddddddddd", "e"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("wrap = %q, want %q", got, want)
	}
	if got := wrap([]string{"ünï", "cödé"}, 8); len(got) != 1 || utf8.RuneCountInString(got[0]) != 8 {
		t.Errorf("wrap counts bytes instead of characters: %q", got)
	}
}

func TestLayerWithoutChecksIsNamed(t *testing.T) {
	out := render(t, Options{}, report.New(&posture.Posture{}, report.Meta{}))
	if got := strings.Count(out, "no checks ran"); got != len(check.Layers) {
		t.Errorf("%d layers say no checks ran, want %d:\n%s", got, len(check.Layers), out)
	}
	if strings.Contains(render(t, Options{}, reporttest.Report()), "no checks ran") {
		t.Error("a layer with checks says no checks ran")
	}
}
