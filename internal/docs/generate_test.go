package docs

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/framework"
	"github.com/strata-sec/strata/internal/golden"
)

// The generator's own tests use hand-made checks and frameworks, never the real registry.

func meta(id, slug string, layer check.Layer, sev check.Severity, title string) check.Meta {
	return check.Meta{
		ID: id, Slug: slug, Title: title, Layer: layer, Severity: sev,
		Description: "Looks at spec.containers[*].securityContext and reports <none> values; see `kubectl explain`.",
		Remediation: "Set the field.",
		References:  []string{"https://kubernetes.io/docs/concepts/security/"},
	}
}

func testChecks() []check.Check {
	noop := func(*check.Env, *check.Workload) ([]check.Violation, error) { return nil, nil }
	return []check.Check{
		&check.ObjectCheck[*corev1.Service]{
			Meta: meta("ST-0099", "exposed-service", check.LayerNetwork, check.SeverityLow, "Service | exposed"),
			Kind: schema.GroupKind{Kind: "Service"},
			Run:  func(*check.Env, *check.Object, *corev1.Service) ([]check.Violation, error) { return nil, nil },
		},
		&check.WorkloadCheck{Meta: meta("ST-0001", "privileged-container", check.LayerWorkload, check.SeverityCritical, "Privileged container"), Run: noop},
		&check.ClusterCheck{
			Meta:  meta("ST-0150", "default-deny-missing", check.LayerNetwork, check.SeverityMedium, "Namespace without default deny"),
			Reads: []schema.GroupKind{{Kind: "Namespace"}, {Group: "networking.k8s.io", Kind: "NetworkPolicy"}},
			Run:   func(*check.Env, check.Inventory) ([]check.ObjectViolation, error) { return nil, nil },
		},
	}
}

const testFrameworks = `frameworks:
  - id: bench
    title: Test Benchmark
    version: v2.0
    url: https://example.com/bench
    scope: Section 5 only.
    controls:
      - id: "5.2.10"
        title: Minimize privileged containers
        assessment: manual
        checks: [ST-0001]
      - id: "5.2.2"
        title: Minimize everything
        assessment: automated
        checks: [ST-0001, ST-0099, ST-0777]
      - id: "5.3.1"
        title: Nobody covers this
        assessment: manual
        checks: []
  - id: attack
    title: Test Matrix
    version: v1
    url: https://example.com/attack
    controls:
      - id: T1611
        title: Escape to Host
        checks: [ST-0001]
`

func testIndex(t *testing.T) *framework.Index {
	t.Helper()
	x, err := framework.LoadFS(fstest.MapFS{"d/test.yaml": {Data: []byte(testFrameworks)}}, "d")
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// testRoot makes a repository with fixtures for ST-0001 only.
func testRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	base := filepath.Join(root, "internal", "checks", "workload", "testdata", "ST-0001")
	files := map[string]string{
		"fail/b-second.yaml":     "apiVersion: v1\nkind: Pod\nmetadata: {name: second}\n",
		"fail/a-first.yaml":      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: first\n  annotations: {note: \"```\"}\n",
		"fail/a-first.golden":    "Pod/first line 1 spec.containers[0].securityContext.privileged: container is privileged\n",
		"pass/unprivileged.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: fine}",
	}
	for name, data := range files {
		p := filepath.Join(base, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

func TestGenerateMatchesGolden(t *testing.T) {
	root := testRoot(t)
	dir := filepath.Join(root, "docs", "checks")
	if err := Generate(dir, testChecks(), testIndex(t), WithRoot(root)); err != nil {
		t.Fatal(err)
	}
	files := readDir(t, dir)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	want := []string{"README.md", "ST-0001.md", "ST-0099.md", "ST-0150.md"}
	if !sameSet(names, want) {
		t.Fatalf("generated %v, want %v", names, want)
	}
	for _, n := range want {
		golden.Compare(t, filepath.Join("testdata", n+".golden"), []byte(files[n]))
	}
}

func sameSet(a, b []string) bool {
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return len(a) == len(b)
}

func TestCheckPageContent(t *testing.T) {
	root := testRoot(t)
	dir := filepath.Join(root, "docs", "checks")
	files, err := render(dir, testChecks(), testIndex(t), []Option{WithRoot(root)})
	if err != nil {
		t.Fatal(err)
	}
	page := string(files["ST-0001.md"])
	for _, want := range []string{
		"# ST-0001: Privileged container",
		"| Severity | critical |",
		// Natural order of controls: 5.2.2 before 5.2.10.
		"| Test Benchmark v2.0 (`bench`) | `5.2.2` | Minimize everything |\n| Test Benchmark v2.0 (`bench`) | `5.2.10` |",
		// The first failing fixture by name, linked relative to the docs directory.
		"### Fails: [a-first.yaml](../../internal/checks/workload/testdata/ST-0001/fail/a-first.yaml)",
		// A fixture containing a fence gets a longer one.
		"````yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: first\n",
		"strata reports:\n\n```text\nPod/first line 1",
		// A fixture without a final newline still closes its block.
		"metadata: {name: fine}\n```\n",
		`spec.containers\[\*\].securityContext and reports &lt;none&gt; values; see \` + "`kubectl explain\\`.",
		"- <https://kubernetes.io/docs/concepts/security/>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("ST-0001.md does not contain %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "b-second") {
		t.Error("ST-0001.md shows the second fixture instead of the first by name")
	}
	if svc := string(files["ST-0099.md"]); strings.Contains(svc, "## Examples") || !strings.Contains(svc, "# ST-0099: Service \\| exposed") {
		t.Errorf("ST-0099.md (no fixtures, pipe in title):\n%s", svc)
	}
	if cl := string(files["ST-0150.md"]); !strings.Contains(cl, "not mapped to a control") ||
		!strings.Contains(cl, "| Inputs | `Namespace`, `NetworkPolicy.networking.k8s.io` |") {
		t.Errorf("ST-0150.md (unmapped cluster check):\n%s", cl)
	}
}

func TestIndexContent(t *testing.T) {
	files, err := render(t.TempDir(), testChecks(), testIndex(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	idx := string(files[IndexFile])
	for _, want := range []string{
		"| [kernel](#kernel) | 0 |", "| [network](#network) | 2 |",
		"## kernel\n\nNo checks in this layer yet.",
		"| [ST-0001](ST-0001.md) | `privileged-container` | workload | critical | Privileged container | attack T1611; bench 5.2.2, 5.2.10 |",
		"| [ST-0150](ST-0150.md) | `default-deny-missing` | network | medium | Namespace without default deny | — |",
		"2 of 3 controls covered.",
		"| `5.2.2` | Minimize everything | automated | [ST-0001](ST-0001.md), [ST-0099](ST-0099.md), ST-0777 (not registered) |",
		"| `5.3.1` | Nobody covers this | manual | not covered |",
		"| `T1611` | Escape to Host | [ST-0001](ST-0001.md) |",
		"Scope: Section 5 only.",
	} {
		if !strings.Contains(idx, want) {
			t.Errorf("README.md does not contain %q:\n%s", want, idx)
		}
	}
	// Network checks are listed in ID order even though they were given out of order.
	if strings.Index(idx, "[ST-0099]") > strings.Index(idx, "[ST-0150]") {
		t.Error("checks are not in ID order")
	}
}

func TestGenerateIsDeterministicAndCheckAgrees(t *testing.T) {
	root := testRoot(t)
	dir := filepath.Join(root, "docs", "checks")
	cs, fw := testChecks(), testIndex(t)
	if err := Check(dir, cs, fw, WithRoot(root)); !isStale(err, []string{"README.md", "ST-0001.md", "ST-0099.md", "ST-0150.md"}, nil, nil) {
		t.Fatalf("Check before Generate = %v", err)
	}
	if err := Generate(dir, cs, fw, WithRoot(root)); err != nil {
		t.Fatal(err)
	}
	first := readDir(t, dir)
	reversed := []check.Check{cs[2], cs[1], cs[0]}
	if err := Generate(dir, reversed, fw, WithRoot(root)); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first, readDir(t, dir)) {
		t.Fatal("a second run with the checks in another order changed the output")
	}
	if err := Check(dir, cs, fw, WithRoot(root)); err != nil {
		t.Fatalf("Check right after Generate: %v", err)
	}

	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("ST-0001.md", "edited by hand\n")
	write("ST-0042.md", "a removed check\n")
	write("notes.txt", "not the generator's business\n")
	if err := os.Remove(filepath.Join(dir, "ST-0099.md")); err != nil {
		t.Fatal(err)
	}
	err := Check(dir, cs, fw, WithRoot(root))
	if !isStale(err, []string{"ST-0099.md"}, []string{"ST-0001.md"}, []string{"ST-0042.md"}) {
		t.Fatalf("Check after edits = %v", err)
	}
	for _, want := range []string{"go generate ./internal/docs", "missing: ST-0099.md", "differ: ST-0001.md", "extra: ST-0042.md"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if err := Generate(dir, cs, fw, WithRoot(root)); err != nil {
		t.Fatal(err)
	}
	if err := Check(dir, cs, fw, WithRoot(root)); err != nil {
		t.Fatalf("Check after regenerating: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Errorf("Generate removed a file that is not Markdown: %v", err)
	}
}

func isStale(err error, missing, differ, extra []string) bool {
	var s *StaleError
	if !errors.As(err, &s) {
		return false
	}
	return reflect.DeepEqual(s.Missing, missing) && reflect.DeepEqual(s.Differ, differ) && reflect.DeepEqual(s.Extra, extra)
}

func TestRenderRejectsBadInput(t *testing.T) {
	cs := testChecks()
	dup := append(cs, cs[1])
	if err := Generate(t.TempDir(), dup, testIndex(t)); err == nil || !strings.Contains(err.Error(), "ST-0001 is listed twice") {
		t.Errorf("duplicate check: %v", err)
	}
	bad := &check.WorkloadCheck{Meta: meta("../evil", "evil", check.LayerWorkload, check.SeverityLow, "Evil")}
	if err := Check(t.TempDir(), []check.Check{bad}, testIndex(t)); err == nil || errors.As(err, new(*StaleError)) {
		t.Errorf("invalid check ID: %v", err)
	}
	if err := Generate(t.TempDir(), cs, nil); err == nil {
		t.Error("Generate without a framework index succeeded")
	}
}

func TestUnreadableFixtureIsAnError(t *testing.T) {
	root := testRoot(t)
	// A directory where a fixture file should be cannot be read as one.
	bad := filepath.Join(root, "internal", "checks", "workload", "testdata", "ST-0001", "pass", "0-broken.yaml")
	if err := os.Mkdir(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Check(filepath.Join(root, "docs"), testChecks(), testIndex(t), WithRoot(root)); err == nil || errors.As(err, new(*StaleError)) {
		t.Errorf("Check with an unreadable fixture = %v, want a read error", err)
	}
}

func TestCode(t *testing.T) {
	for in, want := range map[string]string{
		"plain":  "`plain`",
		"a`b":    "``a`b``",
		"`edge":  "`` `edge ``",
		"x``y`z": "```x``y`z```",
	} {
		if got := code(in); got != want {
			t.Errorf("code(%q) = %q, want %q", in, got, want)
		}
	}
}
