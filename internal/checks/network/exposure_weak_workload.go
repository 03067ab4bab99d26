package network

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
)

// Why: each half is bad alone; together they are the shortest path from the internet to a
// node. The first remote-code-execution bug in an internet-facing application (Log4Shell,
// an unsafe deserialiser, a template injection) gives the attacker a shell in the container;
// if that container is privileged, shares the node's namespaces, mounts the node's filesystem
// or runtime socket, or holds SYS_ADMIN-class capabilities, the next step is root on the node
// and from there the kubelet's credentials and every pod on it. This check joins the Services
// (LoadBalancer, NodePort, externalIPs) and Ingresses that reach a workload — by the Service's
// selector matching the pod template's labels in the same namespace — with those weaknesses,
// and reports the workload at each weakness, naming both halves.
var exposedWeakWorkload = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0210",
		Slug:     "internet-exposed-escape-path",
		Title:    "Externally reachable workload can escape to its node",
		Layer:    check.LayerNetwork,
		Severity: check.SeverityCritical,
		Description: "The workload is reachable from outside the cluster through a LoadBalancer, NodePort or " +
			"externalIPs Service or an Ingress, and it is privileged, shares a host namespace, mounts a " +
			"sensitive host path or adds a dangerous capability. One exploitable bug in the exposed " +
			"application becomes root on the node.",
		Remediation: "Remove the weakness from the pod spec (privileged, host namespaces, hostPath, added " +
			"capabilities), or stop exposing the workload: serve it through a ClusterIP Service behind a " +
			"hardened proxy, and keep node-level agents off external networks.",
		References: []string{
			"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
			"https://kubernetes.io/docs/concepts/services-networking/service/",
			"https://microsoft.github.io/Threat-Matrix-for-Kubernetes/techniques/Exposed%20sensitive%20interfaces/",
		},
	},
	Reads: append([]schema.GroupKind{serviceKind, ingressKind}, podspec.Kinds...),
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
	var out []check.ObjectViolation
	for _, gk := range podspec.Kinds {
		for _, o := range inv.List(gk, "") {
			t, ok := podspec.Extract(o.Obj)
			if !ok || controlledByWorkload(inv, o) {
				continue
			}
			ws := weaknesses(t.Spec, t.Path)
			if len(ws) == 0 {
				continue
			}
			via := exposuresOf(inv, exposed, o.Ref.Namespace, t.Meta.Labels)
			if len(via) == 0 {
				continue
			}
			for _, w := range ws {
				out = append(out, check.ObjectViolation{Object: o, Violation: check.Violation{
					Path:    w.Path,
					Message: fmt.Sprintf("reachable from outside the cluster through %s, and %s", describeVia(via), w.What),
				}})
			}
		}
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
