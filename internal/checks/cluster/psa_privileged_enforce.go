package cluster

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/strata-sec/strata/internal/check"
)

// Why: enforce: privileged turns Pod Security admission off for the namespace on purpose, so
// anyone who may create pods there can take over the node (privileged containers, hostPID,
// hostPath /). Node agents, CNI and CSI plugins need it; everything else should not share a
// namespace with them. kube-system is skipped because it runs exactly those agents. A namespace
// flagged here that holds only such agents can be exempted — then the question is who may
// create pods in it.
var namespacePrivilegedPodSecurity = &check.ObjectCheck[*corev1.Namespace]{
	Meta: check.Meta{
		ID:       "ST-0151",
		Slug:     "namespace-privileged-pod-security",
		Title:    "Namespace enforces the privileged Pod Security level",
		Layer:    check.LayerCluster,
		Severity: check.SeverityHigh,
		Description: "The namespace is labelled pod-security.kubernetes.io/enforce=privileged, which admits pods with " +
			"any privileges. Anyone who can create a pod there can break out to the node.",
		Remediation: "Enforce baseline or restricted; keep privileged only for namespaces that hold node agents, and limit who can create pods in them.",
		References: []string{
			"https://kubernetes.io/docs/concepts/security/pod-security-standards/#privileged",
			"https://kubernetes.io/docs/concepts/security/pod-security-admission/",
		},
	},
	Kind: psaNamespaceGK,
	Run: func(_ *check.Env, _ *check.Object, ns *corev1.Namespace) ([]check.Violation, error) {
		if ns.Name == "kube-system" || ns.Labels[psaapi.EnforceLevelLabel] != string(psaapi.LevelPrivileged) {
			return nil, nil
		}
		p := psaLabelPath(psaapi.EnforceLevelLabel)
		return []check.Violation{{
			Path:    p,
			Message: fmt.Sprintf("namespace %s enforces the privileged level: pods may run privileged, share host namespaces and mount host paths; enforce baseline, or restricted where workloads allow", ns.Name),
			Fix:     []check.PatchOp{{Op: "replace", Path: check.Pointer(p), Value: string(psaapi.LevelBaseline)}},
		}}, nil
	},
}
