package netpol

import (
	"net/netip"
	"slices"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// oracle is a deliberately naive evaluator written straight from the API documentation: it
// walks every policy for every query and matches selectors by hand, sharing no code with the
// engine, so that the property test compares two independent readings of the semantics.
type oracle struct {
	namespaces []Namespace
	policies   []*networkingv1.NetworkPolicy
}

func (o *oracle) allowed(from, to Endpoint, port int32, proto corev1.Protocol) bool {
	if proto == "" {
		proto = corev1.ProtocolTCP
	}
	return o.side(from.Pod, to, to, port, proto, networkingv1.PolicyTypeEgress) &&
		o.side(to.Pod, from, to, port, proto, networkingv1.PolicyTypeIngress)
}

// side: subject is the pod whose policies apply, peer the other end, dst the destination.
func (o *oracle) side(subject *Pod, peer, dst Endpoint, port int32, proto corev1.Protocol, dir networkingv1.PolicyType) bool {
	if subject == nil || subject.HostNetwork {
		return true
	}
	isolated, allowed := false, false
	for _, np := range o.policies {
		if np.Namespace != subject.Namespace || !labelSelectorMatches(&np.Spec.PodSelector, subject.Labels) {
			continue
		}
		types := np.Spec.PolicyTypes
		if len(types) == 0 {
			types = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
			if len(np.Spec.Egress) > 0 {
				types = append(types, networkingv1.PolicyTypeEgress)
			}
		}
		if !slices.Contains(types, dir) {
			continue
		}
		isolated = true
		if dir == networkingv1.PolicyTypeIngress {
			for _, r := range np.Spec.Ingress {
				if o.peersMatch(np.Namespace, r.From, peer) && portsMatch(r.Ports, dst, port, proto) {
					allowed = true
				}
			}
		} else {
			for _, r := range np.Spec.Egress {
				if o.peersMatch(np.Namespace, r.To, peer) && portsMatch(r.Ports, dst, port, proto) {
					allowed = true
				}
			}
		}
	}
	return !isolated || allowed
}

func (o *oracle) peersMatch(policyNS string, peers []networkingv1.NetworkPolicyPeer, ep Endpoint) bool {
	if len(peers) == 0 {
		return true
	}
	for _, pe := range peers {
		if pe.IPBlock != nil {
			if ep.Pod == nil && ipBlockContains(pe.IPBlock, ep.IP) {
				return true
			}
			continue
		}
		if ep.Pod == nil {
			continue
		}
		nsOK := false
		if pe.NamespaceSelector == nil {
			nsOK = ep.Pod.Namespace == policyNS
		} else {
			nsOK = labelSelectorMatches(pe.NamespaceSelector, o.namespaceLabels(ep.Pod.Namespace))
		}
		podOK := pe.PodSelector == nil || labelSelectorMatches(pe.PodSelector, ep.Pod.Labels)
		if nsOK && podOK {
			return true
		}
	}
	return false
}

func (o *oracle) namespaceLabels(name string) map[string]string {
	out := map[string]string{}
	for _, ns := range o.namespaces {
		if ns.Name == name {
			for k, v := range ns.Labels {
				out[k] = v
			}
			break
		}
	}
	out["kubernetes.io/metadata.name"] = name
	return out
}

func ipBlockContains(b *networkingv1.IPBlock, ip netip.Addr) bool {
	in := func(cidr string) bool {
		p := netip.MustParsePrefix(cidr)
		return p.Masked().Contains(ip)
	}
	if !in(b.CIDR) {
		return false
	}
	for _, ex := range b.Except {
		if in(ex) {
			return false
		}
	}
	return true
}

func portsMatch(ports []networkingv1.NetworkPolicyPort, dst Endpoint, port int32, proto corev1.Protocol) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		want := corev1.ProtocolTCP
		if p.Protocol != nil {
			want = *p.Protocol
		}
		if want != proto {
			continue
		}
		if p.Port == nil {
			return true
		}
		if p.Port.StrVal != "" {
			if dst.Pod == nil {
				continue
			}
			for _, cp := range dst.Pod.Ports {
				cpProto := cp.Protocol
				if cpProto == "" {
					cpProto = corev1.ProtocolTCP
				}
				if cp.Name == p.Port.StrVal && cpProto == proto && cp.Number == port {
					return true
				}
			}
			continue
		}
		end := p.Port.IntVal
		if p.EndPort != nil {
			end = *p.EndPort
		}
		if p.Port.IntVal <= port && port <= end {
			return true
		}
	}
	return false
}

// labelSelectorMatches implements metav1.LabelSelector by hand: every matchLabels pair and
// every matchExpressions requirement must hold; an empty selector matches everything.
func labelSelectorMatches(s *metav1.LabelSelector, lbls map[string]string) bool {
	for k, v := range s.MatchLabels {
		if got, ok := lbls[k]; !ok || got != v {
			return false
		}
	}
	for _, r := range s.MatchExpressions {
		v, has := lbls[r.Key]
		switch r.Operator {
		case metav1.LabelSelectorOpIn:
			if !has || !slices.Contains(r.Values, v) {
				return false
			}
		case metav1.LabelSelectorOpNotIn:
			if has && slices.Contains(r.Values, v) {
				return false
			}
		case metav1.LabelSelectorOpExists:
			if !has {
				return false
			}
		case metav1.LabelSelectorOpDoesNotExist:
			if has {
				return false
			}
		}
	}
	return true
}
