package check

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestPointer(t *testing.T) {
	for _, tc := range []struct {
		path *field.Path
		want string
	}{
		{nil, ""},
		{field.NewPath("spec"), "/spec"},
		{field.NewPath("spec", "containers").Index(0).Child("securityContext", "privileged"), "/spec/containers/0/securityContext/privileged"},
		{field.NewPath("metadata", "annotations").Key("strata.dev/exempt"), "/metadata/annotations/strata.dev~1exempt"},
		{field.NewPath("metadata", "labels").Key("a~b"), "/metadata/labels/a~0b"},
		{field.NewPath("spec", "template", "spec", "volumes").Index(12).Child("hostPath", "path"), "/spec/template/spec/volumes/12/hostPath/path"},
	} {
		if got := Pointer(tc.path); got != tc.want {
			t.Errorf("Pointer(%v) = %q, want %q", tc.path, got, tc.want)
		}
	}
}

func validMeta() Meta {
	return Meta{ID: "ST-0999", Slug: "test-check", Title: "A test check", Layer: LayerWorkload, Severity: SeverityHigh,
		Description: "A description long enough to explain why this matters to an attacker.",
		Remediation: "Fix it.", References: []string{"https://kubernetes.io/"}}
}

func TestMetaValidate(t *testing.T) {
	m := validMeta()
	if err := m.Validate(); err != nil {
		t.Fatalf("valid meta rejected: %v", err)
	}
	bad := Meta{ID: "privileged", Slug: "Bad Slug", Layer: "os", Remediation: "no period", References: []string{"http://x"}}
	err := bad.Validate()
	for _, want := range []string{"does not match ST-NNNN", "not lower-case-dashed", "title is empty", "unknown layer", "severity 0", "description", "ending with a period", "not HTTPS"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

func noop(*Env, *Workload) ([]Violation, error) { return nil, nil }

func TestRegistry(t *testing.T) {
	a := &WorkloadCheck{Meta: validMeta(), Run: noop}
	b := &WorkloadCheck{Meta: validMeta(), Run: noop}
	b.ID, b.Slug, b.Layer, b.Severity = "ST-0001", "other-check", LayerKernel, SeverityLow
	reg, err := NewRegistry([]Check{a}, []Check{b})
	if err != nil {
		t.Fatal(err)
	}
	if all := reg.All(); all[0].Metadata().ID != "ST-0001" || all[1].Metadata().ID != "ST-0999" {
		t.Errorf("registry not in ID order")
	}
	if c, ok := reg.Lookup("test-check"); !ok || c != a {
		t.Errorf("lookup by slug failed")
	}
	if c, ok := reg.Lookup("st-0001"); !ok || c != b {
		t.Errorf("lookup by lower-case ID failed")
	}
	for _, tc := range []struct {
		sel  Selection
		want int
		err  string
	}{
		{Selection{}, 2, ""},
		{Selection{Include: []string{"ST-0001"}}, 1, ""},
		{Selection{Skip: []string{"test-check"}}, 1, ""},
		{Selection{Layers: []Layer{LayerKernel}}, 1, ""},
		{Selection{MinSeverity: SeverityHigh}, 1, ""},
		{Selection{Include: []string{"ST-0002"}}, 0, `unknown check "ST-0002"`},
		{Selection{Skip: []string{"nope"}}, 0, `unknown check "nope"`},
	} {
		got, err := reg.Select(tc.sel)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Select(%+v): error %v, want %q", tc.sel, err, tc.err)
			}
			continue
		}
		if err != nil || len(got) != tc.want {
			t.Errorf("Select(%+v) = %d checks (%v), want %d", tc.sel, len(got), err, tc.want)
		}
	}
}

func TestRegistryRejects(t *testing.T) {
	dup := &WorkloadCheck{Meta: validMeta(), Run: noop}
	noRun := &WorkloadCheck{Meta: validMeta()}
	noRun.ID, noRun.Slug = "ST-0002", "no-run"
	noReads := &ClusterCheck{Meta: validMeta(), Run: func(*Env, Inventory) ([]ObjectViolation, error) { return nil, nil }}
	noReads.ID, noReads.Slug = "ST-0003", "no-reads"
	noKind := &ObjectCheck[*corev1.Service]{Meta: validMeta(), Run: func(*Env, *Object, *corev1.Service) ([]Violation, error) { return nil, nil }}
	noKind.ID, noKind.Slug = "ST-0004", "no-kind"
	_, err := NewRegistry([]Check{dup, dup, noRun, noReads, noKind})
	for _, want := range []string{`"ST-0999" already used`, "without Run", "needs Run and Reads", "object check without Kind"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	ok := &ObjectCheck[*corev1.Service]{Meta: validMeta(), Kind: schema.GroupKind{Kind: "Service"},
		Run: func(*Env, *Object, *corev1.Service) ([]Violation, error) { return nil, nil }}
	if _, err := NewRegistry([]Check{ok}); err != nil {
		t.Errorf("valid object check rejected: %v", err)
	}
}

func TestParseSeverityAndLayer(t *testing.T) {
	if s, err := ParseSeverity(" HIGH "); err != nil || s != SeverityHigh {
		t.Errorf("ParseSeverity(HIGH) = %v, %v", s, err)
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity(severe) accepted")
	}
	if _, err := ParseLayer("kernal"); err == nil || !strings.Contains(err.Error(), "valid: kernel") {
		t.Errorf("ParseLayer(kernal) error %v", err)
	}
	if b, err := SeverityCritical.MarshalText(); err != nil || string(b) != "critical" {
		t.Errorf("MarshalText = %s, %v", b, err)
	}
}
