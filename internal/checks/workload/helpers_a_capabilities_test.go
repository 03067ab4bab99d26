package workload

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

func TestCapabilityName(t *testing.T) {
	cases := map[corev1.Capability]string{
		"SYS_ADMIN":        "SYS_ADMIN",
		"sys_admin":        "SYS_ADMIN",
		"CAP_SYS_ADMIN":    "SYS_ADMIN",
		"cap_net_raw":      "NET_RAW",
		" Sys_Ptrace ":     "SYS_PTRACE",
		"all":              "ALL",
		"CAP_CAP_BPF":      "CAP_BPF",
		"NET_BIND_SERVICE": "NET_BIND_SERVICE",
	}
	for in, want := range cases {
		if got := capabilityName(in); got != want {
			t.Errorf("capabilityName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDangerousCapabilitiesList(t *testing.T) {
	for _, name := range []string{"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "BPF", "PERFMON",
		"NET_RAW", "DAC_READ_SEARCH", "SYS_RAWIO", "SYS_BOOT", "SYSLOG", "MAC_ADMIN", "MAC_OVERRIDE", "SYS_TIME"} {
		if dangerousCapabilities[name] == "" {
			t.Errorf("%s is not listed as dangerous", name)
		}
	}
	for _, name := range []string{"CHOWN", "DAC_OVERRIDE", "SETFCAP", "NET_BIND_SERVICE", "KILL"} {
		if _, ok := dangerousCapabilities[name]; ok {
			t.Errorf("%s is in the runtime default set and must not be listed", name)
		}
	}
}

// TestDangerousCapabilitiesFixApplies applies each violation's remove operations, in order, to
// the add list they point into and checks that exactly the dangerous entries are gone.
func TestDangerousCapabilitiesFixApplies(t *testing.T) {
	add := []corev1.Capability{"cap_sys_admin", "CHOWN", "Sys_Ptrace", "NET_BIND_SERVICE", "CAP_PERFMON", "ALL"}
	spec := &corev1.PodSpec{Containers: []corev1.Container{{
		Name:            "profiler",
		SecurityContext: &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: add}},
	}}}
	w := &check.Workload{Meta: &metav1.ObjectMeta{Name: "p"}, Spec: spec, Path: field.NewPath("spec")}
	vs, err := dangerousCapabilitiesAdded.Run(&check.Env{}, w)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 {
		t.Fatalf("got %d violations, want 1", len(vs))
	}
	if got := vs[0].Path.String(); got != "spec.containers[0].securityContext.capabilities.add[0]" {
		t.Errorf("path = %s", got)
	}
	const prefix = "/spec/containers/0/securityContext/capabilities/add/"
	list := slices.Clone(add)
	for _, op := range vs[0].Fix {
		i, err := strconv.Atoi(strings.TrimPrefix(op.Path, prefix))
		if op.Op != "remove" || err != nil || i >= len(list) {
			b, _ := json.Marshal(op)
			t.Fatalf("unexpected patch operation %s", b)
		}
		list = slices.Delete(list, i, i+1)
	}
	want := []corev1.Capability{"CHOWN", "NET_BIND_SERVICE"}
	if !slices.Equal(list, want) {
		t.Errorf("after the fix add = %v, want %v", list, want)
	}
	for _, name := range []string{"SYS_ADMIN", "SYS_PTRACE", "PERFMON", "ALL"} {
		if !strings.Contains(vs[0].Message, name) {
			t.Errorf("message %q does not name %s", vs[0].Message, name)
		}
	}
}
