package network

import (
	"fmt"
	"net/netip"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// Why: a policy that selects pods but then allows every peer only looks like protection. An
// ingress rule without from (or `- {}` as the whole rule) admits every pod and every external
// address; an egress rule without to lets the pod connect anywhere; an ipBlock of 0.0.0.0/0 or
// ::/0 admits the whole address family, whatever its except carves out. These are sometimes
// intended (a public frontend, internet egress) but they must be deliberate, so each one is
// named with the path of the rule or peer. Rules of a direction the policy's policyTypes does
// not list are ignored by Kubernetes and so by this check.
var netpolAllowAll = &check.ObjectCheck[*networkingv1.NetworkPolicy]{
	Meta: check.Meta{
		ID:       "ST-0233",
		Slug:     "network-policy-allows-all-peers",
		Title:    "NetworkPolicy rule allows every source or destination",
		Layer:    check.LayerNetwork,
		Severity: check.SeverityMedium,
		Description: "A NetworkPolicy rule has no from/to peers or an ipBlock covering every address (0.0.0.0/0, ::/0), " +
			"so it allows traffic from or to anywhere. The selected pods are as reachable, or as free to " +
			"connect out, as if no policy selected them.",
		Remediation: "Replace the rule's peers with the namespaces, pods or CIDRs that actually need the traffic.",
		References: []string{
			"https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors",
		},
	},
	Kind: networkPolicyKind,
	Run: func(_ *check.Env, _ *check.Object, np *networkingv1.NetworkPolicy) ([]check.Violation, error) {
		var out []check.Violation
		in, eg := directions(np)
		spec := field.NewPath("spec")
		if in {
			for i, r := range np.Spec.Ingress {
				out = append(out, allowAllPeers(spec.Child("ingress").Index(i), "from", r.From, "source")...)
			}
		}
		if eg {
			for i, r := range np.Spec.Egress {
				out = append(out, allowAllPeers(spec.Child("egress").Index(i), "to", r.To, "destination")...)
			}
		}
		return out, nil
	},
}

// allowAllPeers returns the violations of one rule: no peers at all, or ipBlocks of /0.
func allowAllPeers(rule *field.Path, key string, peers []networkingv1.NetworkPolicyPeer, what string) []check.Violation {
	if len(peers) == 0 {
		return []check.Violation{{Path: rule, Message: fmt.Sprintf("rule has no %s peers, so it allows every %s", key, what)}}
	}
	var out []check.Violation
	for j, p := range peers {
		if p.IPBlock == nil {
			continue
		}
		prefix, err := netip.ParsePrefix(p.IPBlock.CIDR)
		if err != nil || prefix.Bits() != 0 {
			continue
		}
		out = append(out, check.Violation{
			Path:    rule.Child(key).Index(j).Child("ipBlock", "cidr"),
			Message: fmt.Sprintf("ipBlock %s allows every %s address as %s", p.IPBlock.CIDR, ipFamily(prefix), what),
		})
	}
	return out
}

func ipFamily(p netip.Prefix) string {
	if p.Addr().Is4() {
		return "IPv4"
	}
	return "IPv6"
}
