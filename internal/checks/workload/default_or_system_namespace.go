package workload

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// reservedNamespaces are the namespaces Kubernetes creates for itself, with why a workload
// there is a problem.
var reservedNamespaces = map[string]string{
	"default": "where everything created without a namespace lands: it shares service accounts, " +
		"RoleBindings and network reach with unrelated workloads and rarely carries NetworkPolicies, " +
		"quotas or Pod Security labels",
	"kube-system": "next to the control-plane add-ons: whoever may create pods there can run them as " +
		"those add-ons' highly privileged service accounts, and policies usually exempt the namespace",
	"kube-public": "which is meant for cluster-wide public data readable by every client, and which " +
		"policies usually exempt",
	"kube-node-lease": "which holds only the nodes' heartbeat Leases, and which policies usually exempt",
}

// Why: namespaces are the unit of isolation for RBAC, NetworkPolicy, quotas and Pod Security
// Admission. default collects everything applied without thought, so a workload there shares
// its blast radius with all of it; kube-system holds service accounts that can read every
// Secret or create pods anywhere, and admission policies (Pod Security labels, Kyverno and
// Gatekeeper defaults) commonly exempt it, so a workload there both escapes policy and sits
// next to cluster-admin-grade credentials. Only an explicit metadata.namespace is judged: a
// manifest without one (Helm charts, Kustomize bases) lands in whatever namespace it is
// applied to (kubectl -n, helm --namespace, the context default), which the manifest does not
// decide; flagging it would flag nearly every chart. Live objects always carry their namespace,
// so in-cluster scans see the real one. Legitimate add-ons in kube-system are expected to be
// exempted explicitly.
var defaultOrSystemNamespace = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0042",
		Slug:     "default-or-system-namespace",
		Title:    "Workload in the default or a system namespace",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityLow,
		Description: "The workload is deployed into default, kube-system, kube-public or kube-node-lease. " +
			"default shares RBAC, service accounts and network reach with everything deployed " +
			"without a namespace and seldom has policies; the kube-* namespaces hold control-plane " +
			"components and their powerful service accounts and are commonly exempted from admission " +
			"policy, so an application there escapes guardrails and sits next to cluster-wide credentials.",
		Remediation: "Deploy the workload into a dedicated namespace with its own service account, NetworkPolicies, quota and Pod Security labels; exempt genuine cluster add-ons in kube-system explicitly.",
		References: []string{
			"https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces",
			"https://kubernetes.io/docs/concepts/security/multi-tenancy/",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		ns := w.Object.Ref.Namespace
		if w.Object.Meta != nil {
			ns = w.Object.Meta.GetNamespace()
		}
		why, ok := reservedNamespaces[ns]
		if !ok {
			return nil, nil
		}
		return []check.Violation{{
			Path:    field.NewPath("metadata", "namespace"),
			Message: fmt.Sprintf("workload runs in namespace %q, %s", ns, why),
		}}, nil
	},
}
