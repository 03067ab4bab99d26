package kernel

import (
	"encoding/json"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/strata-sec/strata/internal/check"
)

// TestSeccompBaselineAnnotations covers the annotation era of the control (up to v1.18), which
// the fixtures, evaluated at the latest version, cannot reach: the forbidden annotations of a
// Deployment's pod template are placed at their keys, and ignored from v1.19.
func TestSeccompBaselineAnnotations(t *testing.T) {
	w := &check.Workload{
		Meta: &metav1.ObjectMeta{Annotations: map[string]string{
			"seccomp.security.alpha.kubernetes.io/pod":                       "unconfined",
			"container.seccomp.security.alpha.kubernetes.io/app":             "unconfined",
			"container.seccomp.security.alpha.kubernetes.io/sidecar":         "runtime/default",
			"container.seccomp.security.alpha.kubernetes.io/not-a-container": "unconfined",
		}},
		Spec: &corev1.PodSpec{Containers: []corev1.Container{{Name: "app"}, {Name: "sidecar"}}},
		Path: field.NewPath("spec", "template", "spec"),
	}
	vs, err := pssSeccompBaseline.Run(&check.Env{PSSVersion: psaapi.MajorMinorVersion(1, 18)}, w)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range vs {
		fix, _ := json.Marshal(v.Fix)
		got = append(got, v.Path.String()+": "+v.Message+" "+string(fix))
	}
	want := []string{
		`spec.template.metadata.annotations[container.seccomp.security.alpha.kubernetes.io/app]: seccompProfile (forbidden annotation container.seccomp.security.alpha.kubernetes.io/app="unconfined") ` +
			`[{"op":"replace","path":"/spec/template/metadata/annotations/container.seccomp.security.alpha.kubernetes.io~1app","value":"runtime/default"}]`,
		`spec.template.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined") ` +
			`[{"op":"replace","path":"/spec/template/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod","value":"runtime/default"}]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("v1.18 violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	vs, err = pssSeccompBaseline.Run(&check.Env{PSSVersion: psaapi.MajorMinorVersion(1, 19)}, w)
	if err != nil || len(vs) != 0 {
		t.Fatalf("v1.19 ignores the annotations; got %+v, %v", vs, err)
	}
}
