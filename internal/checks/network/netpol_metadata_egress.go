package network

import (
	"fmt"
	"net/netip"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// metadataEndpoints are the cloud instance-metadata addresses: AWS, GCP, Azure, OpenStack and
// most others (169.254.169.254), AWS over IPv6 (fd00:ec2::254), Alibaba Cloud (100.100.100.200).
// All serve plain HTTP on port 80.
var metadataEndpoints = []netip.Addr{
	netip.MustParseAddr("169.254.169.254"),
	netip.MustParseAddr("fd00:ec2::254"),
	netip.MustParseAddr("100.100.100.200"),
}

// Why: the instance-metadata endpoint hands out the node's cloud credentials to anyone who can
// send it an HTTP request; from a pod that is usually the road from one container to the cloud
// account (Capital One, 2019). The check looks at the egress rules that let isolated pods out:
// a rule without to, or an ipBlock that contains a metadata address and does not except it
// (0.0.0.0/0 with only RFC 1918 excepted is the classic case), whose ports admit TCP 80. Pods
// that are not egress-isolated at all can reach the endpoint too, but flagging every such pod
// here would repeat the namespace default-deny-egress finding (ST-0231) for each workload; that
// check covers them. Blocking at the node (IMDSv2 hop limit, GKE metadata concealment) is a
// separate defence this check cannot see.
var netpolMetadataEgress = &check.ObjectCheck[*networkingv1.NetworkPolicy]{
	Meta: check.Meta{
		ID:       "ST-0234",
		Slug:     "network-policy-allows-cloud-metadata",
		Title:    "NetworkPolicy allows egress to the cloud metadata endpoint",
		Layer:    check.LayerNetwork,
		Severity: check.SeverityHigh,
		Description: "An egress rule lets the selected pods reach a cloud instance-metadata address (169.254.169.254, " +
			"fd00:ec2::254 or 100.100.100.200), directly or through a broad CIDR without an except. A " +
			"compromised pod can read the node's cloud credentials from it.",
		Remediation: "Narrow the rule's CIDRs, or add the metadata address (169.254.169.254/32, fd00:ec2::254/128, " +
			"100.100.100.200/32) to the ipBlock's except list.",
		References: []string{
			"https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource",
			"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html",
		},
	},
	Kind: networkPolicyKind,
	Run: func(_ *check.Env, _ *check.Object, np *networkingv1.NetworkPolicy) ([]check.Violation, error) {
		if !isolates(np, egress) {
			return nil, nil
		}
		var out []check.Violation
		for i, r := range np.Spec.Egress {
			rule := field.NewPath("spec", "egress").Index(i)
			if !portsAdmitHTTP(r.Ports) {
				continue
			}
			if len(r.To) == 0 {
				out = append(out, check.Violation{Path: rule, Message: "rule has no to peers, so it allows the cloud metadata endpoint " +
					metadataEndpoints[0].String() + " among every destination"})
				continue
			}
			for j, p := range r.To {
				hit := metadataIn(p.IPBlock)
				if len(hit) == 0 {
					continue
				}
				what, it := "address", "it"
				if len(hit) > 1 {
					what, it = "addresses", "them"
				}
				out = append(out, check.Violation{
					Path: rule.Child("to").Index(j).Child("ipBlock"),
					Message: fmt.Sprintf("ipBlock %s contains the cloud metadata %s %s and does not except %s",
						p.IPBlock.CIDR, what, strings.Join(hit, " and "), it),
				})
			}
		}
		return out, nil
	},
}

// metadataIn returns the metadata addresses the block contains and does not except.
func metadataIn(b *networkingv1.IPBlock) []string {
	if b == nil {
		return nil
	}
	cidr, err := netip.ParsePrefix(b.CIDR)
	if err != nil {
		return nil
	}
	var out []string
next:
	for _, ip := range metadataEndpoints {
		if !cidr.Contains(ip) {
			continue
		}
		for _, ex := range b.Except {
			if e, err := netip.ParsePrefix(ex); err == nil && e.Contains(ip) {
				continue next
			}
		}
		out = append(out, ip.String())
	}
	return out
}

// portsAdmitHTTP reports whether the rule's ports admit TCP port 80, where the metadata
// endpoints listen. A named port never matches an address outside the pods.
func portsAdmitHTTP(ports []networkingv1.NetworkPolicyPort) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		if p.Protocol != nil && *p.Protocol != corev1.ProtocolTCP {
			continue
		}
		if p.Port == nil {
			return true
		}
		if p.Port.Type == intstr.String { // a named port
			continue
		}
		lo, hi := p.Port.IntVal, p.Port.IntVal
		if p.EndPort != nil {
			hi = *p.EndPort
		}
		if lo <= 80 && 80 <= hi {
			return true
		}
	}
	return false
}
