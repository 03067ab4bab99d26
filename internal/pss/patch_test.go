package pss

import (
	"encoding/json"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

func TestSet(t *testing.T) {
	c := field.NewPath("spec", "containers").Index(0)
	keys := []string{"securityContext", "capabilities", "drop"}
	tests := []struct {
		present int
		want    string
	}{
		{0, `{"op":"add","path":"/spec/containers/0/securityContext","value":{"capabilities":{"drop":["ALL"]}}}`},
		{1, `{"op":"add","path":"/spec/containers/0/securityContext/capabilities","value":{"drop":["ALL"]}}`},
		{2, `{"op":"add","path":"/spec/containers/0/securityContext/capabilities/drop","value":["ALL"]}`},
		{3, `{"op":"replace","path":"/spec/containers/0/securityContext/capabilities/drop","value":["ALL"]}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(Set(c, tt.present, []string{"ALL"}, keys...))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("present=%d: got %s\nwant %s", tt.present, b, tt.want)
		}
	}
	if b, _ := json.Marshal(Set(c, 0, false, "securityContext", "allowPrivilegeEscalation")); string(b) !=
		`{"op":"add","path":"/spec/containers/0/securityContext","value":{"allowPrivilegeEscalation":false}}` {
		t.Errorf("false value: got %s", b)
	}
}

func TestPresent(t *testing.T) {
	for _, tt := range []struct {
		in   []bool
		want int
	}{{nil, 0}, {[]bool{false, true}, 0}, {[]bool{true, false, true}, 1}, {[]bool{true, true}, 2}} {
		if got := Present(tt.in...); got != tt.want {
			t.Errorf("Present(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestMetaPath(t *testing.T) {
	for spec, want := range map[string]string{
		"spec":                                "metadata",
		"spec.template.spec":                  "spec.template.metadata",
		"template.spec":                       "template.metadata",
		"spec.jobTemplate.spec.template.spec": "spec.jobTemplate.spec.template.metadata",
	} {
		parts := splitPath(spec)
		w := &check.Workload{Path: field.NewPath(parts[0], parts[1:]...)}
		if got := MetaPath(w).String(); got != want {
			t.Errorf("MetaPath(%s) = %s, want %s", spec, got, want)
		}
	}
}

func splitPath(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

// TestStored checks the API defaulting applied before upstream sees a pod, and that the
// workload strata was given is left untouched.
func TestStored(t *testing.T) {
	spec := corev1.PodSpec{Volumes: []corev1.Volume{
		{Name: "scratch"},
		{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{}}},
	}}
	w := workload(spec)
	got := stored(w)
	if got.Spec.Volumes[0].EmptyDir == nil || got.Spec.Volumes[1].ConfigMap == nil || got.Spec.Volumes[1].EmptyDir != nil {
		t.Fatalf("stored volumes: %+v", got.Spec.Volumes)
	}
	if w.Spec.Volumes[0].EmptyDir != nil {
		t.Fatal("stored modified the workload")
	}
	plain := workload(corev1.PodSpec{})
	if stored(plain) != plain {
		t.Fatal("stored copied a workload that needed no defaults")
	}
	vs, err := Evaluate("ST-0016", v1(0), w, nil)
	if err != nil || len(vs) != 0 {
		t.Fatalf("a volume without a source is an emptyDir, allowed by restricted volumes; got %+v, %v", vs, err)
	}
}
