package netpol

import (
	"fmt"
	"math/rand/v2"
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// scenario is a random cluster: namespaces, pods and policies.
type scenario struct {
	namespaces []Namespace
	pods       []Pod
	policies   []*networkingv1.NetworkPolicy
}

// sizes bounds a generated scenario.
type sizes struct {
	namespaces, pods, policies int
	// apps is how many distinct app label values exist.
	apps int
}

var (
	smallSizes = sizes{namespaces: 3, pods: 8, policies: 5, apps: 3}
	protocols  = []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}
	queryPorts = []int32{53, 80, 443, 5432, 8080, 9090, 32000, 32500}
	queryIPs   = []netip.Addr{
		netip.MustParseAddr("10.0.0.5"), netip.MustParseAddr("10.0.1.5"), netip.MustParseAddr("10.1.2.3"),
		netip.MustParseAddr("192.168.1.1"), netip.MustParseAddr("203.0.113.10"), netip.MustParseAddr("2001:db8::1"),
	}
	cidrs   = []string{"10.0.0.0/8", "10.0.0.0/16", "10.0.1.0/24", "0.0.0.0/0", "2001:db8::/32", "203.0.113.0/24"}
	excepts = []string{"10.0.1.0/24", "10.0.0.0/24", "10.0.0.5/32", "2001:db8::/64"}
	// namedPorts are the container ports pods pick from.
	namedPorts = []Port{
		{Name: "http", Number: 80}, {Name: "http", Number: 8080}, {Name: "https", Number: 443},
		{Name: "dns", Number: 53, Protocol: corev1.ProtocolUDP}, {Name: "dns-tcp", Number: 53},
		{Name: "metrics", Number: 9090}, {Name: "pg", Number: 5432}, {Name: "sctp", Number: 9090, Protocol: corev1.ProtocolSCTP},
		{Number: 32500},
	}
)

type gen struct {
	r *rand.Rand
	s sizes
}

func newGen(seed uint64, s sizes) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), s: s}
}

func (g *gen) pick(vals ...string) string { return vals[g.r.IntN(len(vals))] }
func (g *gen) chance(pct int) bool        { return g.r.IntN(100) < pct }

func (g *gen) scenario() *scenario {
	sc := &scenario{}
	nns := 1 + g.r.IntN(g.s.namespaces)
	for i := range nns {
		ns := Namespace{Name: fmt.Sprintf("ns%d", i), Labels: map[string]string{}}
		if g.chance(70) {
			ns.Labels["env"] = g.pick("prod", "dev")
		}
		if g.chance(50) {
			ns.Labels["team"] = g.pick("a", "b")
		}
		sc.namespaces = append(sc.namespaces, ns)
	}
	npods := 1 + g.r.IntN(g.s.pods)
	for i := range npods {
		sc.pods = append(sc.pods, g.pod(i, nns))
	}
	npols := g.r.IntN(g.s.policies + 1)
	for i := range npols {
		sc.policies = append(sc.policies, g.policy(i, nns))
	}
	return sc
}

func (g *gen) app() string { return fmt.Sprintf("app%d", g.r.IntN(g.s.apps)) }

func (g *gen) pod(i, nns int) Pod {
	p := Pod{Namespace: fmt.Sprintf("ns%d", g.r.IntN(nns)), Name: fmt.Sprintf("pod%d", i), Labels: map[string]string{}}
	if g.chance(90) {
		p.Labels["app"] = g.app()
	}
	if g.chance(60) {
		p.Labels["tier"] = g.pick("fe", "be")
	}
	p.HostNetwork = g.chance(5)
	seen := map[string]bool{}
	for range g.r.IntN(4) {
		cp := namedPorts[g.r.IntN(len(namedPorts))]
		if cp.Name != "" && seen[cp.Name] {
			continue
		}
		seen[cp.Name] = true
		p.Ports = append(p.Ports, cp)
	}
	return p
}

func (g *gen) selector(podLabels bool) *metav1.LabelSelector {
	s := &metav1.LabelSelector{}
	keys, vals := []string{"env", "team"}, func() string { return g.pick("prod", "dev", "a", "b") }
	if podLabels {
		keys, vals = []string{"app", "tier"}, func() string {
			if g.chance(50) {
				return g.app()
			}
			return g.pick("fe", "be")
		}
	}
	if g.chance(30) {
		return s
	}
	if g.chance(60) {
		s.MatchLabels = map[string]string{keys[g.r.IntN(2)]: vals()}
	}
	if g.chance(40) {
		ops := []metav1.LabelSelectorOperator{metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn, metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist}
		req := metav1.LabelSelectorRequirement{Key: keys[g.r.IntN(2)], Operator: ops[g.r.IntN(len(ops))]}
		if req.Operator == metav1.LabelSelectorOpIn || req.Operator == metav1.LabelSelectorOpNotIn {
			req.Values = []string{vals(), vals()}
		}
		if !podLabels && g.chance(20) {
			req = metav1.LabelSelectorRequirement{Key: "kubernetes.io/metadata.name", Operator: metav1.LabelSelectorOpIn, Values: []string{"ns0", "ns1"}}
		}
		s.MatchExpressions = append(s.MatchExpressions, req)
	}
	return s
}

func (g *gen) policy(i, nns int) *networkingv1.NetworkPolicy {
	np := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("pol%d", i), Namespace: fmt.Sprintf("ns%d", g.r.IntN(nns))}}
	np.Spec.PodSelector = *g.selector(true)
	if g.chance(60) {
		for range g.r.IntN(3) {
			np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: g.peers(), Ports: g.ports()})
		}
	}
	if g.chance(50) {
		for range g.r.IntN(3) {
			np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: g.peers(), Ports: g.ports()})
		}
	}
	if g.chance(50) {
		types := [][]networkingv1.PolicyType{{networkingv1.PolicyTypeIngress}, {networkingv1.PolicyTypeEgress},
			{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}}
		np.Spec.PolicyTypes = types[g.r.IntN(len(types))]
	}
	return np
}

func (g *gen) peers() []networkingv1.NetworkPolicyPeer {
	if g.chance(25) {
		if g.chance(50) {
			return []networkingv1.NetworkPolicyPeer{}
		}
		return nil
	}
	var out []networkingv1.NetworkPolicyPeer
	for range 1 + g.r.IntN(3) {
		var pe networkingv1.NetworkPolicyPeer
		switch g.r.IntN(4) {
		case 0:
			pe.IPBlock = &networkingv1.IPBlock{CIDR: cidrs[g.r.IntN(len(cidrs))]}
			if g.chance(50) {
				pe.IPBlock.Except = []string{excepts[g.r.IntN(len(excepts))]}
			}
		case 1:
			pe.PodSelector = g.selector(true)
		case 2:
			pe.NamespaceSelector = g.selector(false)
		default:
			pe.PodSelector, pe.NamespaceSelector = g.selector(true), g.selector(false)
		}
		out = append(out, pe)
	}
	return out
}

func (g *gen) ports() []networkingv1.NetworkPolicyPort {
	if g.chance(30) {
		return nil
	}
	var out []networkingv1.NetworkPolicyPort
	for range 1 + g.r.IntN(2) {
		var p networkingv1.NetworkPolicyPort
		if g.chance(60) {
			proto := protocols[g.r.IntN(len(protocols))]
			p.Protocol = &proto
		}
		switch g.r.IntN(4) {
		case 0: // protocol only
		case 1:
			v := intstr.FromString(g.pick("http", "https", "dns", "dns-tcp", "metrics", "pg", "sctp", "nope"))
			p.Port = &v
		case 2:
			v := intstr.FromInt32(queryPorts[g.r.IntN(len(queryPorts))])
			p.Port = &v
		default:
			v := intstr.FromInt32(queryPorts[g.r.IntN(len(queryPorts))])
			end := v.IntVal + int32(g.r.IntN(30000))
			p.Port, p.EndPort = &v, &end
		}
		out = append(out, p)
	}
	return out
}

// endpoint returns a random endpoint: mostly pods of the engine, sometimes an IP.
func (g *gen) endpoint(pods []*Pod) Endpoint {
	if g.chance(20) {
		return IPEndpoint(queryIPs[g.r.IntN(len(queryIPs))])
	}
	return PodEndpoint(pods[g.r.IntN(len(pods))])
}

func (g *gen) query() (int32, corev1.Protocol) {
	proto := protocols[g.r.IntN(len(protocols))]
	if g.chance(60) {
		proto = corev1.ProtocolTCP
	}
	return queryPorts[g.r.IntN(len(queryPorts))], proto
}
