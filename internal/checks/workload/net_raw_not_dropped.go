package workload

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// Why: Docker and containerd grant NET_RAW by default, so every container that does not drop
// it can open raw and packet sockets. On the shared pod network that means forging ARP replies
// and DNS answers to hijack neighbouring pods' traffic (the CVE-2020-10749 IPv6 router
// advertisement spoofing worked this way), and it exposes the kernel's packet socket code,
// the home of escapes such as CVE-2020-14386. Almost no application needs it; ping works
// through unprivileged ICMP sockets. CIS Kubernetes Benchmark 5.2.7 asks for it to be dropped.
var netRawNotDropped = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0029",
		Slug:     "net-raw-not-dropped",
		Title:    "Container does not drop NET_RAW",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityLow,
		Description: "The container's securityContext.capabilities.drop contains neither NET_RAW nor ALL, so " +
			"it keeps the runtime's default NET_RAW capability and can craft raw packets to spoof " +
			"neighbouring pods (ARP, DNS, IPv6 router advertisements) and reach kernel packet-socket bugs.",
		Remediation: "Add NET_RAW to securityContext.capabilities.drop, or better drop ALL and add back only " +
			"the capabilities the container needs.",
		References: []string{
			"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container",
			"https://github.com/kubernetes/kubernetes/issues/91507",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var out []check.Violation
		for c := range w.Containers() {
			sc := c.Container.SecurityContext
			if sc != nil && sc.Capabilities != nil && dropsNetRaw(sc.Capabilities.Drop) {
				continue
			}
			scPath := c.Path.Child("securityContext")
			drop := scPath.Child("capabilities", "drop")
			out = append(out, check.Violation{
				Path:    drop,
				Message: fmt.Sprintf("container %q does not drop NET_RAW (nor ALL)", c.Container.Name),
				Fix:     []check.PatchOp{addNetRawDrop(sc, scPath)},
			})
		}
		return out, nil
	},
}

// dropsNetRaw reports whether a drop list removes NET_RAW, itself or through ALL.
func dropsNetRaw(drop []corev1.Capability) bool {
	for _, d := range drop {
		if n := capabilityName(d); n == "NET_RAW" || n == "ALL" {
			return true
		}
	}
	return false
}

// addNetRawDrop adds NET_RAW to the drop list, creating the securityContext, capabilities and
// drop fields that are missing. It never adds ALL: that would change what the container may do
// beyond this finding.
func addNetRawDrop(sc *corev1.SecurityContext, scPath *field.Path) check.PatchOp {
	base := check.Pointer(scPath)
	switch {
	case sc == nil:
		return check.PatchOp{Op: "add", Path: base, Value: map[string]any{"capabilities": map[string]any{"drop": []string{"NET_RAW"}}}}
	case sc.Capabilities == nil:
		return check.PatchOp{Op: "add", Path: base + "/capabilities", Value: map[string]any{"drop": []string{"NET_RAW"}}}
	case len(sc.Capabilities.Drop) == 0:
		return check.PatchOp{Op: "add", Path: base + "/capabilities/drop", Value: []string{"NET_RAW"}}
	}
	return check.PatchOp{Op: "add", Path: base + "/capabilities/drop/-", Value: "NET_RAW"}
}
