package report

import (
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
)

func meta(id string, layer check.Layer, sev check.Severity) *check.Meta {
	return &check.Meta{ID: id, Slug: strings.ToLower(id), Title: id, Layer: layer, Severity: sev}
}

var (
	kernelHigh  = meta("ST-0001", check.LayerKernel, check.SeverityHigh)
	workloadLow = meta("ST-0002", check.LayerWorkload, check.SeverityLow)
	workloadCri = meta("ST-0003", check.LayerWorkload, check.SeverityCritical)
	nodeMedium  = meta("ST-0004", check.LayerNode, check.SeverityMedium)
)

func finding(m *check.Meta, name string) *posture.Finding {
	return &posture.Finding{Check: m, Severity: m.Severity, Object: check.Ref{APIVersion: "v1", Kind: "Pod", Namespace: "ns", Name: name}, Path: "spec"}
}

func example() *posture.Posture {
	return &posture.Posture{
		Checks:     []*check.Meta{workloadLow, kernelHigh, workloadCri, nodeMedium},
		Findings:   []*posture.Finding{finding(workloadLow, "a"), finding(kernelHigh, "b"), finding(workloadCri, "c"), finding(workloadLow, "d")},
		Suppressed: []*posture.Finding{finding(nodeMedium, "e")},
		Coverage: []posture.Coverage{
			{CheckID: "ST-0004", Status: posture.StatusNotAssessed, Reason: "no node facts"},
			{CheckID: "ST-0001", Status: posture.StatusFail, Evaluated: 2, Failed: 1},
			{CheckID: "ST-0002", Status: posture.StatusFail, Evaluated: 2, Failed: 2},
			{CheckID: "ST-0003", Status: posture.StatusError, Reason: "1 internal error(s)"},
		},
		Errors: []posture.InputError{{File: "b.yaml", Line: 9, Message: "x"}, {File: "a.yaml", Line: 3, Message: "y"}, {File: "b.yaml", Line: 2, Message: "z"}},
		Exemptions: []*posture.Exemption{
			{Checks: []string{"ST-0004"}, Reason: "r", Source: "annotation", Used: 1},
			{Checks: []string{"ST-0001"}, Reason: "r", Source: "c.yaml:1", Expired: true},
		},
	}
}

func TestNewSortsWithoutModifyingThePosture(t *testing.T) {
	p := example()
	first := p.Findings[0]
	r := New(p, Meta{Objects: 4})
	if p.Findings[0] != first || p.Coverage[0].CheckID != "ST-0004" || p.Errors[0].File != "b.yaml" {
		t.Fatal("New modified the posture")
	}
	var got []string
	for _, f := range r.Findings {
		got = append(got, f.Check.ID+"/"+f.Object.Name)
	}
	if want := "ST-0003/c ST-0001/b ST-0002/a ST-0002/d"; strings.Join(got, " ") != want {
		t.Errorf("findings %v, want %s", got, want)
	}
	var ids, errs []string
	for _, m := range r.Checks {
		ids = append(ids, m.ID)
	}
	for _, e := range r.Errors {
		errs = append(errs, Where(check.Location{File: e.File, Line: e.Line}))
	}
	if strings.Join(ids, ",") != "ST-0001,ST-0002,ST-0003,ST-0004" || strings.Join(errs, ",") != "a.yaml:3,b.yaml:2,b.yaml:9" {
		t.Errorf("checks %v, errors %v", ids, errs)
	}
	if r.Tool.Name != DefaultToolName || r.SchemaVersion != "v1" {
		t.Errorf("tool %q schema %q", r.Tool.Name, r.SchemaVersion)
	}
}

func TestSummary(t *testing.T) {
	s := New(example(), Meta{Objects: 4}).Summary
	if s.Findings != 4 || s.Suppressed != 1 || s.Objects != 4 || s.ChecksRun != 4 || s.InputErrors != 3 || s.ExpiredExemptions != 1 {
		t.Errorf("counts %+v", s)
	}
	if s.BySeverity[check.SeverityLow] != 2 || s.BySeverity[check.SeverityCritical] != 1 || s.BySeverity[check.SeverityMedium] != 0 {
		t.Errorf("by severity %v", s.BySeverity)
	}
	if s.ByLayer[check.LayerWorkload] != 3 || s.ByLayer[check.LayerKernel] != 1 || s.ByLayer[check.LayerNode] != 0 {
		t.Errorf("by layer %v", s.ByLayer)
	}
	if s.WorstSeverity != check.SeverityCritical {
		t.Errorf("worst %s", s.WorstSeverity)
	}
	want := map[check.Layer]LayerCoverage{
		check.LayerKernel:   {Layer: check.LayerKernel, Fail: 1},
		check.LayerWorkload: {Layer: check.LayerWorkload, Fail: 1, Error: 1},
		check.LayerNode:     {Layer: check.LayerNode, NotAssessed: 1},
	}
	if len(s.Coverage) != len(check.Layers) {
		t.Fatalf("%d coverage rows", len(s.Coverage))
	}
	for i, c := range s.Coverage {
		w, ok := want[c.Layer]
		if !ok {
			w = LayerCoverage{Layer: check.Layers[i]}
		}
		if c != w || c.Layer != check.Layers[i] {
			t.Errorf("coverage row %d = %+v, want %+v", i, c, w)
		}
	}
}

func TestGroupFindings(t *testing.T) {
	groups := GroupFindings(New(example(), Meta{}).Findings)
	var got []string
	for _, g := range groups {
		for _, sg := range g.Severities {
			got = append(got, string(g.Layer)+":"+sg.Severity.String()+":"+string(rune('0'+len(sg.Findings))))
		}
	}
	if want := "kernel:high:1 workload:critical:1 workload:low:2"; strings.Join(got, " ") != want {
		t.Errorf("groups %v, want %s", got, want)
	}
}

func TestResults(t *testing.T) {
	p := example()
	p.Coverage = p.Coverage[1:] // ST-0004 lost its coverage
	var got []string
	for _, lr := range New(p, Meta{}).Results() {
		for _, res := range lr.Results {
			got = append(got, string(lr.Layer)+":"+res.Check.ID+":"+string(res.Coverage.Status))
		}
	}
	if c := New(p, Meta{}).Summary.Coverage[4]; c.Layer != check.LayerNode || c.Error != 1 {
		t.Errorf("summary of a check without coverage: %+v", c)
	}
	want := "kernel:ST-0001:fail workload:ST-0002:fail workload:ST-0003:error node:ST-0004:error"
	if strings.Join(got, " ") != want {
		t.Errorf("results %v, want %s", got, want)
	}
}

func TestExitCodeAndFiltering(t *testing.T) {
	r := New(example(), Meta{})
	if got := r.ExitCode(check.SeverityInfo); got != ExitError {
		t.Errorf("with input errors: exit %d", got)
	}
	p := example()
	p.Errors = nil
	r = New(p, Meta{})
	for failOn, want := range map[check.Severity]int{0: ExitOK, check.SeverityCritical: ExitFindings, check.SeverityLow: ExitFindings} {
		if got := r.ExitCode(failOn); got != want {
			t.Errorf("fail-on %v: exit %d, want %d", failOn, got, want)
		}
	}
	high := r.WithMinSeverity(check.SeverityHigh)
	if len(high.Findings) != 2 || len(high.Suppressed) != 0 || high.Summary.Findings != 2 || len(r.Findings) != 4 {
		t.Errorf("filtered %d findings (summary %d), original %d", len(high.Findings), high.Summary.Findings, len(r.Findings))
	}
	if high.ExitCode(check.SeverityCritical) != ExitFindings {
		t.Error("filtered report lost its critical finding")
	}
}

func TestFrameworksMerged(t *testing.T) {
	p := example()
	p.Findings[1].Frameworks = []posture.FrameworkRef{{ID: "b", Control: "1"}, {ID: "a", Control: "2"}}
	r := New(p, Meta{Frameworks: map[string][]posture.FrameworkRef{"ST-0001": {{ID: "a", Control: "2"}}, "ST-0004": {{ID: "c", Control: "3"}}}})
	got := r.Frameworks["ST-0001"]
	if len(got) != 2 || got[0].ID != "a" || got[1].ID != "b" || len(r.Frameworks["ST-0004"]) != 1 {
		t.Errorf("frameworks %v", r.Frameworks)
	}
}

func TestPatch(t *testing.T) {
	ops, err := Patch([]check.PatchOp{
		{Op: "replace", Path: "/a", Value: false},
		{Op: "test", Path: "/b", Value: 0},
		{Op: "add", Path: "/c", Value: map[string]any{"k": "password=hunter22", "n": 1.5, "z": nil}},
		{Op: "remove", Path: "/d", Value: "dropped"},
		{Op: "add", Path: "/e", Value: "<tag>&"},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := CompactPatch(ops)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"op":"replace","path":"/a","value":false},{"op":"test","path":"/b","value":0},` +
		`{"op":"add","path":"/c","value":{"k":"password=[REDACTED]","n":1.5,"z":null}},{"op":"remove","path":"/d"},` +
		`{"op":"add","path":"/e","value":"<tag>&"}]`
	if got != want {
		t.Errorf("patch\n got %s\nwant %s", got, want)
	}
	if _, err := Patch([]check.PatchOp{{Op: "add", Path: "/x", Value: func() {}}}); err == nil {
		t.Error("a value that cannot be encoded is not an error")
	}
	if ops, err := Patch(nil); ops != nil || err != nil {
		t.Errorf("no fix: %v, %v", ops, err)
	}
}

func TestFingerprintIsStable(t *testing.T) {
	a, b := finding(kernelHigh, "x"), finding(kernelHigh, "x")
	b.Message, b.Location = "other text", check.Location{File: "moved.yaml", Line: 99}
	if Fingerprint(a) != Fingerprint(b) || Fingerprint(a) == Fingerprint(finding(kernelHigh, "y")) {
		t.Error("fingerprint does not follow the finding key")
	}
}

func TestHelpers(t *testing.T) {
	if got := ObjectName(check.Ref{}); got != "the cluster" {
		t.Errorf("ObjectName(empty) = %q", got)
	}
	for loc, want := range map[check.Location]string{{}: "", {File: "a"}: "a", {File: "a", Line: 2}: "a:2", {Line: 3}: ""} {
		if got := Where(loc); got != want {
			t.Errorf("Where(%+v) = %q, want %q", loc, got, want)
		}
	}
}
