package cluster

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/strata-sec/strata/internal/check"
)

// Why: Pod Security admission enforces nothing in a namespace without an enforce label unless
// the API server's admission configuration sets a cluster-wide default, and the built-in
// default is privileged. Anyone who may create pods there can then run privileged containers,
// mount the host filesystem or join the host network — a node compromise one kubectl apply
// away. The three namespaces the API server creates are skipped: kube-system legitimately runs
// privileged node agents, and kube-public and kube-node-lease hold no pods; restricting who may
// create pods there is the control that matters for them. The fix adds baseline, which blocks
// the known escalations and breaks few workloads; restricted is the goal.
var namespaceWithoutPodSecurity = &check.ObjectCheck[*corev1.Namespace]{
	Meta: check.Meta{
		ID:       "ST-0150",
		Slug:     "namespace-without-pod-security",
		Title:    "Namespace without a Pod Security enforce label",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "The namespace has no pod-security.kubernetes.io/enforce label, so unless the API server's " +
			"PodSecurity configuration sets a stricter default, pods there may be privileged, use host namespaces " +
			"and mount host paths.",
		Remediation: "Label the namespace pod-security.kubernetes.io/enforce=restricted, or baseline where workloads cannot yet meet restricted, after checking existing pods with a server-side dry run.",
		References: []string{
			"https://kubernetes.io/docs/concepts/security/pod-security-admission/",
			"https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/",
		},
	},
	Kind: psaNamespaceGK,
	Run: func(_ *check.Env, _ *check.Object, ns *corev1.Namespace) ([]check.Violation, error) {
		if slices.Contains(systemNamespaces, ns.Name) {
			return nil, nil
		}
		if _, ok := ns.Labels[psaapi.EnforceLevelLabel]; ok {
			return nil, nil
		}
		msg := "no pod-security.kubernetes.io/enforce label: Pod Security admission applies only the cluster-wide default, privileged unless configured; enforce baseline now and restricted where workloads allow"
		if _, warned := ns.Labels[psaapi.WarnLevelLabel]; warned {
			msg += " (warn is set, but warnings block nothing)"
		}
		return []check.Violation{{
			Path:    psaLabelPath(psaapi.EnforceLevelLabel),
			Message: msg,
			Fix:     []check.PatchOp{psaSetLabel(ns, psaapi.EnforceLevelLabel, string(psaapi.LevelBaseline))},
		}}, nil
	},
}
