package netpol

import (
	"fmt"
	"net/netip"
	"sync"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// policy is a NetworkPolicy with its selectors compiled and policyTypes defaulted.
type policy struct {
	np        *networkingv1.NetworkPolicy
	name      string // namespace/name
	namespace string
	podSel    labels.Selector
	// ingress and egress say whether the policy isolates selected pods for that direction.
	ingress, egress           bool
	ingressRules, egressRules []rule
}

// rule is one ingress or egress rule: it allows traffic when a peer and a port both match.
type rule struct {
	allPeers bool // from/to absent or empty
	peers    []*peer
	allPorts bool // ports absent or empty
	ports    []portMatch
}

// peer is one from/to element. Exactly one of block and (nsSel, podSel) applies.
type peer struct {
	block *ipBlock
	// nsSel nil means the policy's own namespace.
	nsSel labels.Selector
	// podSel nil means every pod of the selected namespaces.
	podSel    labels.Selector
	namespace string // the policy's namespace

	// members is the set of engine pods the peer matches, computed once for Matrix.
	once    sync.Once
	members bitset
}

type ipBlock struct {
	cidr   netip.Prefix
	except []netip.Prefix
}

// portMatch is one ports element. name is set for a named port; otherwise lo..hi is the
// numeric range, and any is true when the element gives only a protocol.
type portMatch struct {
	proto  corev1.Protocol
	any    bool
	name   string
	lo, hi int32
}

// compilePolicy validates np the way the API server would for the fields the semantics
// depend on, and compiles it. Errors name the policy.
func compilePolicy(np *networkingv1.NetworkPolicy) (*policy, error) {
	ns := namespaceOf(np.Namespace)
	p := &policy{np: np, name: ns + "/" + np.Name, namespace: ns}
	sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
	if err != nil {
		return nil, fmt.Errorf("network policy %s: spec.podSelector: %w", p.name, err)
	}
	p.podSel = sel
	p.ingress, p.egress = policyTypes(&np.Spec)
	if p.ingress {
		for i := range np.Spec.Ingress {
			r, err := compileRule(ns, np.Spec.Ingress[i].From, np.Spec.Ingress[i].Ports)
			if err != nil {
				return nil, fmt.Errorf("network policy %s: spec.ingress[%d]: %w", p.name, i, err)
			}
			p.ingressRules = append(p.ingressRules, r)
		}
	}
	if p.egress {
		for i := range np.Spec.Egress {
			r, err := compileRule(ns, np.Spec.Egress[i].To, np.Spec.Egress[i].Ports)
			if err != nil {
				return nil, fmt.Errorf("network policy %s: spec.egress[%d]: %w", p.name, i, err)
			}
			p.egressRules = append(p.egressRules, r)
		}
	}
	return p, nil
}

// policyTypes applies the documented default: Ingress always, Egress when egress rules exist.
func policyTypes(spec *networkingv1.NetworkPolicySpec) (ingress, egress bool) {
	if len(spec.PolicyTypes) == 0 {
		return true, len(spec.Egress) > 0
	}
	for _, t := range spec.PolicyTypes {
		switch t {
		case networkingv1.PolicyTypeIngress:
			ingress = true
		case networkingv1.PolicyTypeEgress:
			egress = true
		}
	}
	return ingress, egress
}

func compileRule(ns string, peers []networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort) (rule, error) {
	r := rule{allPeers: len(peers) == 0, allPorts: len(ports) == 0}
	for i := range peers {
		pe, err := compilePeer(ns, &peers[i])
		if err != nil {
			return rule{}, fmt.Errorf("peer %d: %w", i, err)
		}
		r.peers = append(r.peers, pe)
	}
	for i := range ports {
		pm, err := compilePort(&ports[i])
		if err != nil {
			return rule{}, fmt.Errorf("ports[%d]: %w", i, err)
		}
		r.ports = append(r.ports, pm)
	}
	return r, nil
}

func compilePeer(ns string, in *networkingv1.NetworkPolicyPeer) (*peer, error) {
	out := &peer{namespace: ns}
	if in.IPBlock != nil {
		if in.PodSelector != nil || in.NamespaceSelector != nil {
			return nil, fmt.Errorf("ipBlock cannot be combined with podSelector or namespaceSelector")
		}
		b, err := compileIPBlock(in.IPBlock)
		if err != nil {
			return nil, err
		}
		out.block = b
		return out, nil
	}
	if in.PodSelector == nil && in.NamespaceSelector == nil {
		return nil, fmt.Errorf("must specify ipBlock, podSelector or namespaceSelector")
	}
	if in.NamespaceSelector != nil {
		sel, err := metav1.LabelSelectorAsSelector(in.NamespaceSelector)
		if err != nil {
			return nil, fmt.Errorf("namespaceSelector: %w", err)
		}
		out.nsSel = sel
	}
	if in.PodSelector != nil {
		sel, err := metav1.LabelSelectorAsSelector(in.PodSelector)
		if err != nil {
			return nil, fmt.Errorf("podSelector: %w", err)
		}
		out.podSel = sel
	}
	return out, nil
}

func compileIPBlock(in *networkingv1.IPBlock) (*ipBlock, error) {
	cidr, err := netip.ParsePrefix(in.CIDR)
	if err != nil {
		return nil, fmt.Errorf("ipBlock.cidr: %w", err)
	}
	b := &ipBlock{cidr: cidr.Masked()}
	for i, s := range in.Except {
		ex, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("ipBlock.except[%d]: %w", i, err)
		}
		b.except = append(b.except, ex.Masked())
	}
	return b, nil
}

func compilePort(in *networkingv1.NetworkPolicyPort) (portMatch, error) {
	pm := portMatch{proto: corev1.ProtocolTCP}
	if in.Protocol != nil {
		pm.proto = *in.Protocol
	}
	switch pm.proto {
	case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
	default:
		return portMatch{}, fmt.Errorf("unsupported protocol %q", pm.proto)
	}
	if in.Port == nil {
		if in.EndPort != nil {
			return portMatch{}, fmt.Errorf("endPort requires port")
		}
		pm.any = true
		return pm, nil
	}
	if in.Port.Type == intstr.String {
		if in.EndPort != nil {
			return portMatch{}, fmt.Errorf("endPort cannot be used with named port %q", in.Port.StrVal)
		}
		pm.name = in.Port.StrVal
		return pm, nil
	}
	pm.lo, pm.hi = in.Port.IntVal, in.Port.IntVal
	if in.EndPort != nil {
		if *in.EndPort < pm.lo {
			return portMatch{}, fmt.Errorf("endPort %d is less than port %d", *in.EndPort, pm.lo)
		}
		pm.hi = *in.EndPort
	}
	return pm, nil
}

// namespaceOf maps the empty namespace of a namespaced object read from a manifest to the
// namespace the API server would put it in.
func namespaceOf(ns string) string {
	if ns == "" {
		return metav1.NamespaceDefault
	}
	return ns
}

// containsIP reports whether ip falls in the block and outside its exceptions.
func (b *ipBlock) containsIP(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !b.cidr.Contains(ip) {
		return false
	}
	for _, ex := range b.except {
		if ex.Contains(ip) {
			return false
		}
	}
	return true
}

// matches reports whether the port element lets port/proto through to dst; named ports are
// looked up on dst's container ports and never match an IP destination.
func (pm *portMatch) matches(port int32, proto corev1.Protocol, dst *Pod) bool {
	if pm.proto != proto {
		return false
	}
	switch {
	case pm.any:
		return true
	case pm.name != "":
		return dst != nil && dst.hasNamedPort(pm.name, proto, port)
	}
	return pm.lo <= port && port <= pm.hi
}

func (p *Pod) hasNamedPort(name string, proto corev1.Protocol, number int32) bool {
	for _, cp := range p.Ports {
		if cp.Name == name && protoOrTCP(cp.Protocol) == proto && cp.Number == number {
			return true
		}
	}
	return false
}

func protoOrTCP(p corev1.Protocol) corev1.Protocol {
	if p == "" {
		return corev1.ProtocolTCP
	}
	return p
}

// portsMatch reports whether the rule's ports let port/proto through to dst.
func (r *rule) portsMatch(port int32, proto corev1.Protocol, dst *Pod) bool {
	if r.allPorts {
		return true
	}
	for i := range r.ports {
		if r.ports[i].matches(port, proto, dst) {
			return true
		}
	}
	return false
}
