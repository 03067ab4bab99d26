package json

import (
	"bytes"
	encjson "encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/check"
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
	golden.Compare(t, "testdata/report.json.golden", render(t, reporttest.Report()))
}

func TestRenderIsDeterministic(t *testing.T) {
	a, b := render(t, reporttest.Report()), render(t, reporttest.Report())
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same report differ")
	}
}

// TestEmptyReportHasNoNulls: consumers iterate arrays without null checks.
func TestEmptyReportHasNoNulls(t *testing.T) {
	out := render(t, report.New(&posture.Posture{}, report.Meta{GeneratedAt: reporttest.Now}))
	if bytes.Contains(out, []byte("null")) {
		t.Fatalf("empty report contains null:\n%s", out)
	}
	var doc map[string]any
	if err := encjson.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"sources", "datasets", "findings", "suppressed", "coverage", "errors", "exemptions"} {
		if _, ok := doc[k].([]any); !ok {
			t.Errorf("%s is %T, want an array", k, doc[k])
		}
	}
	if got := doc["summary"].(map[string]any)["worstSeverity"]; got != "none" {
		t.Errorf("worstSeverity = %v, want none", got)
	}
}

// TestFixValues: a replace with false, 0 or "" keeps its value; remove has none; a finding
// without a fix has no fix member at all.
func TestFixValues(t *testing.T) {
	m := reporttest.Privileged
	ref := check.Ref{APIVersion: "v1", Kind: "Pod", Namespace: "a", Name: "b"}
	p := &posture.Posture{Checks: []*check.Meta{m}, Findings: []*posture.Finding{
		{Check: m, Severity: m.Severity, Object: ref, Path: "x", Fix: []check.PatchOp{
			{Op: "replace", Path: "/a", Value: false},
			{Op: "replace", Path: "/b", Value: 0},
			{Op: "add", Path: "/c", Value: ""},
			{Op: "add", Path: "/d"},
			{Op: "remove", Path: "/e", Value: "ignored"},
		}},
		{Check: m, Severity: m.Severity, Object: ref, Path: "y"},
	}}
	var doc struct {
		Findings []map[string]encjson.RawMessage `json:"findings"`
	}
	if err := encjson.Unmarshal(render(t, report.New(p, report.Meta{})), &doc); err != nil {
		t.Fatal(err)
	}
	var ops []map[string]encjson.RawMessage
	if err := encjson.Unmarshal(doc.Findings[0]["fix"], &ops); err != nil {
		t.Fatal(err)
	}
	want := []string{"false", "0", `""`, "null", ""}
	for i, op := range ops {
		if got := string(op["value"]); got != want[i] {
			t.Errorf("op %d value = %q, want %q", i, got, want[i])
		}
	}
	if _, ok := doc.Findings[1]["fix"]; ok {
		t.Error("finding without a fix has a fix member")
	}
	if got := string(doc.Findings[1]["frameworks"]); got != "[]" {
		t.Errorf("frameworks = %s, want []", got)
	}
}

func TestNoHTMLEscaping(t *testing.T) {
	out := string(render(t, reporttest.Report()))
	if !strings.Contains(out, "& can reach <every> host device") || strings.Contains(out, `\u003c`) {
		t.Error("messages are HTML-escaped")
	}
}

// TestEveryFieldIsDocumented keeps docs/json-report.md in step with the output: every member
// name the example report uses must appear in the document as `name`.
func TestEveryFieldIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../../docs/json-report.md")
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := encjson.Unmarshal(render(t, reporttest.Report()), &v); err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	collectKeys(v, keys)
	for k := range keys {
		if !strings.Contains(string(doc), "`"+k+"`") {
			t.Errorf("field %q is not documented in docs/json-report.md", k)
		}
	}
}

func collectKeys(v any, into map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			into[k] = true
			collectKeys(e, into)
		}
	case []any:
		for _, e := range x {
			collectKeys(e, into)
		}
	}
}
