package sarif

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

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
	golden.Compare(t, "testdata/report.sarif.golden", render(t, reporttest.Report()))
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatalf("compile the SARIF schema: %v", err)
	}
	return sch
}

// TestValidatesAgainstSchema checks every shape of report against the official SARIF 2.1.0
// schema: the example, an empty scan, and the canary.
func TestValidatesAgainstSchema(t *testing.T) {
	sch := compileSchema(t)
	reports := map[string]*report.Report{
		"example": reporttest.Report(),
		"empty":   report.New(&posture.Posture{}, report.Meta{GeneratedAt: reporttest.Now}),
		"canary":  reporttest.Canary(),
	}
	for name, r := range reports {
		t.Run(name, func(t *testing.T) {
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(render(t, r)))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(doc); err != nil {
				t.Fatalf("output is not valid SARIF 2.1.0: %v", err)
			}
		})
	}
}

// TestSchemaRejectsInvalidLog proves the validation can fail: a log whose result lacks its
// message is refused.
func TestSchemaRejectsInvalidLog(t *testing.T) {
	var log map[string]any
	if err := json.Unmarshal(render(t, reporttest.Report()), &log); err != nil {
		t.Fatal(err)
	}
	res := log["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)
	delete(res, "message")
	res["level"] = "fatal"
	if err := compileSchema(t).Validate(log); err == nil {
		t.Fatal("schema accepted a result without a message and with an unknown level")
	}
}

type parsed struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID                   string `json:"id"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
					Properties struct {
						Tags             []string `json:"tags"`
						SecuritySeverity string   `json:"security-severity"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful bool              `json:"executionSuccessful"`
			Notifications       []json.RawMessage `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string            `json:"ruleId"`
			RuleIndex int               `json:"ruleIndex"`
			Level     string            `json:"level"`
			Locations []json.RawMessage `json:"locations"`
			Finger    map[string]string `json:"partialFingerprints"`
			Suppress  []json.RawMessage `json:"suppressions"`
		} `json:"results"`
	} `json:"runs"`
}

func TestRulesAndResults(t *testing.T) {
	r := reporttest.Report()
	var log parsed
	if err := json.Unmarshal(render(t, r), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != len(r.Checks) {
		t.Fatalf("%d rules for %d checks", len(run.Tool.Driver.Rules), len(r.Checks))
	}
	wantLevel := map[check.Severity]string{check.SeverityCritical: "error", check.SeverityHigh: "error",
		check.SeverityMedium: "warning", check.SeverityLow: "note", check.SeverityInfo: "note"}
	for i, rule := range run.Tool.Driver.Rules {
		m := r.Checks[i]
		if rule.ID != m.ID || rule.DefaultConfiguration.Level != wantLevel[m.Severity] ||
			rule.Properties.SecuritySeverity != securitySeverity[m.Severity] {
			t.Errorf("rule %d = %+v, want %s at %s", i, rule, m.ID, m.Severity)
		}
		if !strings.Contains(strings.Join(rule.Properties.Tags, " "), string(m.Layer)) {
			t.Errorf("rule %s tags %v lack the layer", m.ID, rule.Properties.Tags)
		}
	}
	if len(run.Results) != len(r.Findings)+len(r.Suppressed) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(r.Findings)+len(r.Suppressed))
	}
	seen := map[string]bool{}
	for _, res := range run.Results {
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %s points at rule %d", res.RuleID, res.RuleIndex)
		}
		fp := res.Finger[fingerprintKey]
		if len(fp) != 64 || seen[fp] {
			t.Errorf("result %s fingerprint %q is missing or repeated", res.RuleID, fp)
		}
		seen[fp] = true
	}
	if got := len(run.Results[len(run.Results)-1].Suppress); got != 1 {
		t.Errorf("suppressed finding has %d suppressions, want 1", got)
	}
	inv := run.Invocations[0]
	// Two input errors, one check error, one not-assessed check, one expired exemption.
	if inv.ExecutionSuccessful || len(inv.Notifications) != 5 {
		t.Errorf("invocation successful=%v with %d notifications", inv.ExecutionSuccessful, len(inv.Notifications))
	}
}

func TestCleanScanIsSuccessful(t *testing.T) {
	var log parsed
	r := report.New(&posture.Posture{Checks: []*check.Meta{reporttest.Seccomp},
		Coverage: []posture.Coverage{{CheckID: reporttest.Seccomp.ID, Status: posture.StatusPass, Evaluated: 1}}},
		report.Meta{GeneratedAt: reporttest.Now})
	if err := json.Unmarshal(render(t, r), &log); err != nil {
		t.Fatal(err)
	}
	if inv := log.Runs[0].Invocations[0]; !inv.ExecutionSuccessful || len(inv.Notifications) != 0 {
		t.Errorf("clean scan: successful=%v, %d notifications", inv.ExecutionSuccessful, len(inv.Notifications))
	}
}

func TestFileURI(t *testing.T) {
	for in, want := range map[string]string{
		"deploy/web.yaml":   "deploy/web.yaml",
		"my dir/a b.yaml":   "my%20dir/a%20b.yaml",
		"/abs/path.yaml":    "/abs/path.yaml",
		"c:/x.yaml":         "./c:/x.yaml",
		"100%/x#1.yaml":     "100%25/x%231.yaml",
		"../up/one.yaml":    "../up/one.yaml",
		"charts/ünïcode.ya": "charts/%C3%BCn%C3%AFcode.ya",
	} {
		if got := fileURI(in); got != want {
			t.Errorf("fileURI(%q) = %q, want %q", in, got, want)
		}
	}
}
