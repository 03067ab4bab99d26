package junit

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/golden"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/report"
	"github.com/strata-sec/strata/internal/report/reporttest"
)

func render(t *testing.T, r *report.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRenderGolden(t *testing.T) {
	golden.Compare(t, "testdata/report.xml.golden", render(t, reporttest.Report()))
}

// TestParsesBack decodes the output as a CI system would and checks the outcome of each check.
func TestParsesBack(t *testing.T) {
	var doc testsuites
	if err := xml.Unmarshal(render(t, reporttest.Report()), &doc); err != nil {
		t.Fatalf("output is not well-formed: %v", err)
	}
	var names []string
	outcome := map[string]string{}
	for _, s := range doc.Suites {
		names = append(names, s.Name)
		for _, tc := range s.Cases {
			id, _, _ := strings.Cut(tc.Name, " ")
			switch {
			case tc.Failure != nil:
				outcome[id] = "failure"
			case tc.Error != nil:
				outcome[id] = "error"
			case tc.Skipped != nil:
				outcome[id] = "skipped"
			default:
				outcome[id] = "pass"
			}
		}
	}
	if got, want := strings.Join(names, ","), "kernel,container,workload,network,node,cluster,input"; got != want {
		t.Errorf("suites %s, want %s", got, want)
	}
	want := map[string]string{
		"ST-0001": "failure", "ST-0005": "pass", "ST-0020": "failure", "ST-0041": "failure", "ST-0042": "pass",
		"ST-0101": "failure", "ST-0201": "skipped", "ST-0301": "failure", "ST-0302": "error",
		"deploy/big.yaml": "error", "deploy/broken.yaml:3": "error",
	}
	for id, w := range want {
		if outcome[id] != w {
			t.Errorf("%s: %s, want %s", id, outcome[id], w)
		}
	}
	if doc.Tests != 11 || doc.Failures != 5 || doc.Errors != 3 || doc.Skipped != 1 {
		t.Errorf("totals tests=%d failures=%d errors=%d skipped=%d", doc.Tests, doc.Failures, doc.Errors, doc.Skipped)
	}
}

func TestControlCharactersStayWellFormed(t *testing.T) {
	p := reporttest.Posture()
	p.Findings[0].Message = "bell\x07 and nul\x00 and <tag> & \"quote\" and ]]> end"
	var doc testsuites
	if err := xml.Unmarshal(render(t, report.New(p, reporttest.Meta())), &doc); err != nil {
		t.Fatalf("output is not well-formed: %v", err)
	}
	var found bool
	for _, s := range doc.Suites {
		for _, tc := range s.Cases {
			found = found || tc.Failure != nil && strings.Contains(tc.Failure.Text, "bell\uFFFD and nul\uFFFD and <tag> & \"quote\" and ]]> end")
		}
	}
	if !found {
		t.Error("the message did not survive the round trip")
	}
}

func TestEmptyReport(t *testing.T) {
	out := render(t, report.New(&posture.Posture{}, report.Meta{GeneratedAt: reporttest.Now}))
	var doc testsuites
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 0 || len(doc.Suites) != 0 {
		t.Errorf("empty report has %d tests in %d suites", doc.Tests, len(doc.Suites))
	}
}
