package network

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
	"github.com/strata-sec/strata/internal/rbac"
)

// Why: each half is bad alone; together they are the shortest path from the internet to a
// node or to the cluster. The first remote-code-execution bug in an internet-facing
// application (Log4Shell, an unsafe deserialiser, a template injection) gives the attacker a
// shell in the container; if that container is privileged, shares the node's namespaces, mounts
// the node's filesystem or runtime socket, or holds SYS_ADMIN-class capabilities, the next step
// is root on the node and from there the kubelet's credentials and every pod on it. If instead
// the pod carries the API token of a ServiceAccount with risky RBAC permissions (cluster-admin,
// reading Secrets, creating pods or workloads, exec/attach/port-forward, nodes/proxy,
// escalate/bind/impersonate, minting tokens), the attacker reads the token from the standard
// mount and talks to the API server with those permissions. This check joins the Services
// (LoadBalancer, NodePort, externalIPs) and Ingresses that reach a workload — by the Service's
// selector matching the pod template's labels in the same namespace — with those weaknesses,
// and reports the workload at each weakness, naming both halves.
//
// The account's effective permissions come from the RBAC engine (every binding naming the
// account or its groups, aggregation included), so the check reads the four RBAC kinds and
// ServiceAccounts. When those cannot be read — a live scan whose credentials may not list RBAC
// objects — the whole check is not-assessed rather than judging exposure without the token
// half: a pass would claim the tokens were looked at.
var exposedWeakWorkload = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0210",
		Slug:     "internet-exposed-escape-path",
		Title:    "Externally reachable workload can escape to its node or the API",
		Layer:    check.LayerNetwork,
		Severity: check.SeverityCritical,
		Description: "The workload is reachable from outside the cluster through a LoadBalancer, NodePort or " +
			"externalIPs Service or an Ingress, and it is privileged, shares a host namespace, mounts a " +
			"sensitive host path, adds a dangerous capability, or carries the API token of a ServiceAccount " +
			"holding a risky RBAC permission. One exploitable bug in the exposed application becomes root " +
			"on the node or a foothold in the Kubernetes API.",
		Remediation: "Remove the weakness from the pod spec (privileged, host namespaces, hostPath, added " +
			"capabilities), set automountServiceAccountToken: false or run the workload as a ServiceAccount " +
			"without risky bindings, or stop exposing the workload: serve it through a ClusterIP Service " +
			"behind a hardened proxy, and keep node-level agents off external networks.",
		References: []string{
			"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
			"https://kubernetes.io/docs/concepts/services-networking/service/",
			"https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
			"https://microsoft.github.io/Threat-Matrix-for-Kubernetes/techniques/Exposed%20sensitive%20interfaces/",
		},
	},
	Reads: slices.Concat([]schema.GroupKind{serviceKind, ingressKind, exposureSAKind}, rbac.Kinds, podspec.Kinds),
	Run:   runExposedWeakWorkload,
}

func runExposedWeakWorkload(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
	exposed, err := externalExposure(inv)
	if err != nil {
		return nil, err
	}
	if len(exposed) == 0 {
		return nil, nil
	}
	g, err := rbac.FromInventory(inv)
	if err != nil {
		return nil, fmt.Errorf("rbac graph: %w", err)
	}
	var out []check.ObjectViolation
	for _, gk := range podspec.Kinds {
		for _, o := range inv.List(gk, "") {
			vs, err := exposedWeaknesses(inv, g, exposed, o)
			if err != nil {
				return nil, err
			}
			out = append(out, vs...)
		}
	}
	return out, nil
}

// exposedWeaknesses returns a violation for each weakness of o's pod spec when o is exposed.
func exposedWeaknesses(inv check.Inventory, g *rbac.Graph, exposed exposedServices, o *check.Object) ([]check.ObjectViolation, error) {
	t, ok := podspec.Extract(o.Obj)
	if !ok || check.ControlledByWorkload(inv, o) {
		return nil, nil
	}
	via := exposuresOf(inv, exposed, o.Ref.Namespace, t.Meta.Labels)
	if len(via) == 0 {
		return nil, nil
	}
	ws := weaknesses(t.Spec, t.Path)
	tw, ok, err := tokenWeakness(inv, g, o.Ref.Namespace, t.Spec, t.Path)
	if err != nil {
		return nil, err
	}
	if ok {
		ws = append(ws, tw)
	}
	out := make([]check.ObjectViolation, 0, len(ws))
	for _, w := range ws {
		out = append(out, check.ObjectViolation{Object: o, Violation: check.Violation{
			Path:    w.Path,
			Message: fmt.Sprintf("reachable from outside the cluster through %s, and %s", describeVia(via), w.What),
		}})
	}
	return out, nil
}

// describeVia names the first exposure and counts the others, to keep messages short.
func describeVia(via []string) string {
	if len(via) == 1 {
		return via[0]
	}
	return fmt.Sprintf("%s and %d more (%s)", via[0], len(via)-1, strings.Join(via[1:], ", "))
}
