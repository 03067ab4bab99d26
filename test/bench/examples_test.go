package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/cli"
	"github.com/strata-sec/strata/internal/posture"
)

var examples = filepath.Join("..", "..", "examples")

// fakeSecrets are the credential values planted in examples/; no output may contain them.
var fakeSecrets = []string{
	"Sh0p-EXAMPLE-db-pa55w0rd", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	"EXAMPLE-sk-live-4eC39HqLkjWDArqjsn5tic", "RVhBTVBMRS1zay1saXZlLTRlQzM5SHFMa2pXREFycWpzbjV0aWM=",
	"EXAMPLE-pg-Zq9vR2mXw4", "EXAMPLE-web-Lp3sX8vT1q",
}

func assertNoSecrets(t *testing.T, where, text string) {
	t.Helper()
	for _, s := range fakeSecrets {
		if strings.Contains(text, s) {
			t.Errorf("%s contains the secret value %q", where, s)
		}
	}
}

func findingsText(fs []*posture.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fix, _ := json.Marshal(f.Fix)
		b.WriteString(f.Path + " " + f.Message + " " + string(fix) + "\n")
	}
	return b.String()
}

func cleanScan(t *testing.T, dir string) *posture.Posture {
	t.Helper()
	res, p := scan(t, registry(t), dir)
	if len(res.Errors) > 0 || len(p.Errors) > 0 {
		t.Fatalf("input errors in %s: %+v %+v", dir, res.Errors, p.Errors)
	}
	for _, cov := range p.Coverage {
		if cov.Status == posture.StatusError {
			t.Errorf("check %s errored on %s: %v", cov.CheckID, dir, cov.Errors)
		}
	}
	return p
}

// TestHardenedExamplesPass keeps examples/hardened honest: as checks are added, it must stay
// free of findings above info, and the node-exporter exemptions (on the DaemonSet and on the
// namespace that enforces privileged for it) must be the only suppressions.
func TestHardenedExamplesPass(t *testing.T) {
	p := cleanScan(t, filepath.Join(examples, "hardened"))
	for _, f := range p.Findings {
		if f.Check.Severity >= check.SeverityLow {
			t.Errorf("hardened example has a finding: %s %s %s: %s", f.Check.ID, f.Object, f.Path, f.Message)
		} else {
			t.Logf("info finding: %s %s: %s", f.Check.ID, f.Object, f.Message)
		}
	}
	if len(p.Suppressed) == 0 {
		t.Error("the node-exporter exemption suppressed nothing")
	}
	for _, f := range p.Suppressed {
		exempted := f.Object.String() == "DaemonSet/monitoring/node-exporter" || f.Object.String() == "Namespace/monitoring"
		if !exempted || f.Exemption == nil || f.Exemption.Reason == "" {
			t.Errorf("unexpected suppression of %s on %s", f.Check.ID, f.Object)
		}
	}
	assertNoSecrets(t, "findings", findingsText(p.Findings)+findingsText(p.Suppressed))
}

// vulnerableShows lists what each file of examples/vulnerable exists to demonstrate, as
// check ID and object. A pair is asserted once its check is registered.
var vulnerableShows = map[string][]string{
	"Deployment/shop/web": {"ST-0024", "ST-0025", "ST-0026", "ST-0027", "ST-0030", "ST-0032",
		"ST-0048", "ST-0060", "ST-0063"},
	"DaemonSet/kube-system/log-collector": {"ST-0001", "ST-0003", "ST-0021", "ST-0022", "ST-0023",
		"ST-0033", "ST-0042"},
	"CronJob/shop/backup":       {"ST-0018", "ST-0021", "ST-0022", "ST-0023", "ST-0033", "ST-0044"},
	"Pod/shop/debug-netshoot":   {"ST-0002", "ST-0006", "ST-0028", "ST-0045", "ST-0060"},
	"StatefulSet/shop/postgres": {"ST-0025", "ST-0030", "ST-0031", "ST-0047", "ST-0061"},
	"Job/shop/migrate-schema":   {"ST-0016", "ST-0043"},
}

func TestVulnerableExamplesShowTheirGaps(t *testing.T) {
	reg := registry(t)
	p := cleanScan(t, filepath.Join(examples, "vulnerable"))
	got := map[string]bool{}
	for _, f := range p.Findings {
		got[f.Object.String()+" "+f.Check.ID] = true
	}
	for obj, ids := range vulnerableShows {
		for _, id := range ids {
			if _, ok := reg.Lookup(id); ok && !got[obj+" "+id] {
				t.Errorf("%s shows no %s finding", obj, id)
			}
		}
	}
	assertNoSecrets(t, "findings", findingsText(p.Findings))
}

// TestExampleConfig runs the CLI with examples/strata.yaml: the current exemption is used, the
// expired one is reported as expired and suppresses nothing, and neither the JSON nor the
// table report prints a secret.
func TestExampleConfig(t *testing.T) {
	args := []string{"scan", "--config", filepath.Join(examples, "strata.yaml"), filepath.Join(examples, "vulnerable")}
	var out, errOut bytes.Buffer
	code := cli.Execute(context.Background(), "strata", append(args, "--format", "json"),
		cli.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	if code != 1 {
		t.Fatalf("exit %d, want 1 (failOn: high and high findings); stderr: %s", code, errOut.String())
	}
	var doc struct {
		Exemptions []struct {
			Checks  []string
			Owner   string
			Expired bool
			Used    int
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("decode JSON report: %v", err)
	}
	if len(doc.Exemptions) != 2 {
		t.Fatalf("report lists %d exemptions, want the 2 of the config: %+v", len(doc.Exemptions), doc.Exemptions)
	}
	if e := doc.Exemptions[0]; e.Expired || e.Used == 0 {
		t.Errorf("the exemption valid until 2027-12-31 should apply: %+v", e)
	}
	if e := doc.Exemptions[1]; !e.Expired || e.Used != 0 {
		t.Errorf("the exemption that expired in 2025 should be reported expired and unused: %+v", e)
	}
	assertNoSecrets(t, "JSON report", out.String())

	out.Reset()
	cli.Execute(context.Background(), "strata", args, cli.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	assertNoSecrets(t, "table report", out.String())
	assertNoSecrets(t, "standard error", errOut.String())
}
