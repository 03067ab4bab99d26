package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// run executes the command line with buffers and returns stdout, stderr and the exit code.
func run(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Execute(context.Background(), "strata", args, IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut})
	return out.String(), errOut.String(), code
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const privilegedPod = `apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: ops
spec:
  containers:
  - name: shell
    image: busybox
    securityContext:
      privileged: true
`

func TestScanUsageErrors(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, dir, "pod.yaml", privilegedPod)
	for name, args := range map[string][]string{
		"unknown check":    {"scan", "--checks", "ST-9999", f},
		"unknown skip":     {"scan", "--skip", "no-such-check", f},
		"unknown layer":    {"scan", "--layer", "kernal", f},
		"unknown format":   {"scan", "--format", "xml", f},
		"unknown severity": {"scan", "--fail-on", "severe", f},
		"min severity":     {"scan", "--min-severity", "urgent", f},
		"pss version":      {"scan", "--pss-version", "v2.x", f},
		"max file size":    {"scan", "--max-file-size", "lots", f},
		"no path":          {"scan"},
		"unknown flag":     {"scan", "--colour", f},
		"missing config":   {"scan", "--config", filepath.Join(dir, "nope.yaml"), f},
		"explain unknown":  {"checks", "explain", "ST-9999"},
	} {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, code := run(t, "", args...)
			if code != ExitUsage {
				t.Fatalf("exit %d, want 2; stderr: %s", code, stderr)
			}
			if !strings.Contains(stderr, "Error:") {
				t.Errorf("no error message on stderr: %q", stderr)
			}
			if strings.Contains(stdout, "finding") {
				t.Errorf("a usage error must not print a report: %q", stdout)
			}
		})
	}
}

func TestScanFailOn(t *testing.T) {
	f := writeFile(t, t.TempDir(), "pod.yaml", privilegedPod)
	if _, stderr, code := run(t, "", "scan", f); code != ExitOK {
		t.Fatalf("default --fail-on none: exit %d (%s)", code, stderr)
	}
	if _, _, code := run(t, "", "scan", "--fail-on", "high", f); code != ExitFindings {
		t.Fatalf("--fail-on high with a privileged pod: exit %d, want 1", code)
	}
	if _, _, code := run(t, "", "scan", "--fail-on", "critical", "--checks", "shared-process-namespace", f); code != ExitOK {
		t.Fatalf("no finding at or above critical: exit %d, want 0", code)
	}
}

// TestScanBadInputStillReports: a malformed document is an input error with file and line,
// every other document and file is still scanned, and the exit code is 2.
func TestScanBadInputStillReports(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a-bad.yaml", privilegedPod+"---\napiVersion: v1\nkind: Pod\nmetadata: [unclosed\n---\n"+
		strings.Replace(privilegedPod, "name: debug", "name: second", 1))
	writeFile(t, dir, "b-good.yaml", strings.Replace(privilegedPod, "name: debug", "name: third", 1))
	stdout, _, code := run(t, "", "scan", "--format", "json", dir)
	if code != ExitUsage {
		t.Fatalf("exit %d, want 2", code)
	}
	var doc struct {
		Findings []struct {
			Object struct{ Name string }
		}
		Errors []struct {
			File    string
			Line    int
			Message string
		}
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, stdout)
	}
	if len(doc.Errors) != 1 || !strings.HasSuffix(doc.Errors[0].File, "a-bad.yaml") || doc.Errors[0].Line < 12 {
		t.Fatalf("want one error in a-bad.yaml at the bad document, got %+v", doc.Errors)
	}
	names := map[string]bool{}
	for _, f := range doc.Findings {
		names[f.Object.Name] = true
	}
	for _, n := range []string{"debug", "second", "third"} {
		if !names[n] {
			t.Errorf("object %s was not scanned (findings for %v)", n, names)
		}
	}
}

func TestScanHostileInputFailsFast(t *testing.T) {
	dir := t.TempDir()
	laughs := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		laughs += "  " + n + ": &" + n + " [*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + "]\n"
		prev = n
	}
	writeFile(t, dir, "laughs.yaml", laughs)
	writeFile(t, dir, "pod.yaml", privilegedPod)
	writeFile(t, dir, "huge.yaml", strings.Repeat("# padding\n", 200_000))
	start := time.Now()
	stdout, _, code := run(t, "", "scan", "--format", "json", "--max-file-size", "1Mi", dir)
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("hostile input took %v", took)
	}
	if code != ExitUsage {
		t.Fatalf("exit %d, want 2", code)
	}
	for _, want := range []string{"laughs.yaml", "huge.yaml", `"name": "debug"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %s:\n%s", want, stdout)
		}
	}
}

// TestNoSecretInAnyFormat plants secret-looking values in Secret and ConfigMap data,
// last-applied-configuration and env values, and greps every output format for them.
func TestNoSecretInAnyFormat(t *testing.T) {
	canaries := []string{"canary-secret-data", "Y2FuYXJ5LXNlY3JldC1kYXRh", "canary-configmap-data",
		"canary-last-applied", "canary-env-password", "AKIAIOSFODNN7CANARY1", "c2lnbmF0dXJlY2FuYXJ5"}
	for _, format := range formatList() {
		t.Run(format, func(t *testing.T) {
			stdout, stderr, code := run(t, "", "scan", "--format", format, "testdata/canary.yaml")
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stdout, "DB_PASSWORD") {
				t.Errorf("%s report does not mention the literal credential finding", format)
			}
			for _, c := range canaries {
				if strings.Contains(stdout, c) || strings.Contains(stderr, c) {
					t.Errorf("%s output contains the secret value %q", format, c)
				}
			}
		})
	}
}

func TestScanStdinAndOutputFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.sarif")
	stdout, stderr, code := run(t, privilegedPod, "scan", "--format", "sarif", "-o", out, "-")
	if code != ExitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(data), `"version": "2.1.0"`) {
		t.Fatalf("SARIF report not written: %v %s", err, data)
	}
}

func TestConfigExemptions(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, dir, "pod.yaml", privilegedPod)
	cfg := writeFile(t, dir, "strata.yaml", `apiVersion: strata.dev/v1alpha1
kind: Config
exemptions:
- checks: [ST-0001]
  namespaces: [ops]
  reason: debugging pod, reviewed
- checks: [ST-0001]
  reason: expired one
  expires: "2020-01-01"
`)
	stdout, stderr, code := run(t, "", "scan", "--format", "json", "--config", cfg, "--checks", "ST-0001", f)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Findings, Suppressed []json.RawMessage
		Exemptions           []struct {
			Expired bool
			Used    int
		}
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != 0 || len(doc.Suppressed) == 0 {
		t.Fatalf("want the finding suppressed, got %d findings, %d suppressed", len(doc.Findings), len(doc.Suppressed))
	}
	if len(doc.Exemptions) != 2 || doc.Exemptions[0].Used == 0 || !doc.Exemptions[1].Expired || doc.Exemptions[1].Used != 0 {
		t.Fatalf("exemptions not reported as used/expired: %+v", doc.Exemptions)
	}

	bad := writeFile(t, dir, "bad.yaml", "apiVersion: strata.dev/v1alpha1\nkind: Config\nexemptions:\n- checks: [ST-9999]\n  reason: typo\n")
	if _, stderr, code := run(t, "", "scan", "--config", bad, f); code != ExitUsage || !strings.Contains(stderr, "bad.yaml:4") {
		t.Fatalf("unknown check in config: exit %d, stderr %q", code, stderr)
	}
}

func TestChecksListAndExplain(t *testing.T) {
	stdout, _, code := run(t, "", "checks", "list", "--layer", "workload")
	if code != ExitOK || !strings.Contains(stdout, "ST-0020") || strings.Contains(stdout, "kernel") {
		t.Fatalf("checks list --layer workload: exit %d\n%s", code, stdout)
	}
	stdout, _, code = run(t, "", "checks", "explain", "shared-process-namespace")
	for _, want := range []string{"ST-0020", "Why it matters", "How to fix it", "Failing example", "Passing example", "shareProcessNamespace: true"} {
		if code != ExitOK || !strings.Contains(stdout, want) {
			t.Errorf("explain lacks %q (exit %d)", want, code)
		}
	}
}

func TestKubectlPluginName(t *testing.T) {
	cmd := NewRootCommand(IOStreams{}, "/usr/local/bin/kubectl-strata")
	if cmd.Use != "kubectl strata" {
		t.Fatalf("Use = %q", cmd.Use)
	}
}
