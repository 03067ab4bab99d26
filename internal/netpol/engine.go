package netpol

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Engine answers reachability questions over a fixed set of namespaces, pods and policies.
// It is safe for concurrent use once built.
type Engine struct {
	pods []*Pod
	// index maps each engine pod to its position in pods.
	index map[*Pod]int
	// nsLabels holds every namespace's labels, kubernetes.io/metadata.name included.
	nsLabels map[string]labels.Set
	// nsNames lists namespaces in first-seen order; podsByNS lists engine pod indexes.
	nsNames  []string
	podsByNS map[string][]int
	// byNS holds the compiled policies of each namespace, in input order.
	byNS map[string][]*policy
	// sel holds, per engine pod, the policies selecting it for each direction.
	sel []selection
}

// selection is the policies selecting one pod for ingress and for egress.
type selection struct {
	ingress, egress []*policy
}

// New validates the policies (label selectors, CIDRs, ports) and indexes everything. An
// invalid policy is an error naming it. The engine keeps its own copy of pods: Pods returns
// pointers to it, which Allowed and Matrix answer fastest. Pods in namespaces not listed get a namespace with
// only the kubernetes.io/metadata.name label.
func New(namespaces []Namespace, pods []Pod, policies []*networkingv1.NetworkPolicy) (*Engine, error) {
	e := &Engine{
		index:    make(map[*Pod]int, len(pods)),
		nsLabels: map[string]labels.Set{},
		podsByNS: map[string][]int{},
		byNS:     map[string][]*policy{},
	}
	for _, ns := range namespaces {
		e.addNamespace(ns.Name, ns.Labels)
	}
	own := slices.Clone(pods)
	for i := range own {
		p := &own[i]
		p.Namespace = namespaceOf(p.Namespace)
		e.addNamespace(p.Namespace, nil)
		e.index[p] = len(e.pods)
		e.podsByNS[p.Namespace] = append(e.podsByNS[p.Namespace], len(e.pods))
		e.pods = append(e.pods, p)
	}
	for _, np := range policies {
		if np == nil {
			continue
		}
		cp, err := compilePolicy(np)
		if err != nil {
			return nil, err
		}
		e.addNamespace(cp.namespace, nil)
		e.byNS[cp.namespace] = append(e.byNS[cp.namespace], cp)
	}
	e.sel = make([]selection, len(e.pods))
	for i, p := range e.pods {
		e.sel[i] = e.selectionOf(p)
	}
	return e, nil
}

// addNamespace records a namespace once; the first declaration's labels win, and the
// kubernetes.io/metadata.name label is always set to the name.
func (e *Engine) addNamespace(name string, lbls map[string]string) {
	if _, ok := e.nsLabels[name]; ok {
		return
	}
	set := labels.Set{}
	maps.Copy(set, lbls)
	set[NamespaceNameLabel] = name
	e.nsLabels[name] = set
	e.nsNames = append(e.nsNames, name)
}

// namespaceLabels returns the labels of ns; an unknown namespace has only its name label.
func (e *Engine) namespaceLabels(ns string) labels.Set {
	if set, ok := e.nsLabels[ns]; ok {
		return set
	}
	return labels.Set{NamespaceNameLabel: ns}
}

// selectionOf computes the policies selecting p; host-network pods are selected by none.
func (e *Engine) selectionOf(p *Pod) selection {
	var s selection
	if p.HostNetwork {
		return s
	}
	set := labels.Set(p.Labels)
	for _, cp := range e.byNS[namespaceOf(p.Namespace)] {
		if !cp.podSel.Matches(set) {
			continue
		}
		if cp.ingress {
			s.ingress = append(s.ingress, cp)
		}
		if cp.egress {
			s.egress = append(s.egress, cp)
		}
	}
	return s
}

func (e *Engine) selectionFor(p *Pod) selection {
	if i, ok := e.index[p]; ok {
		return e.sel[i]
	}
	return e.selectionOf(p)
}

// Pods returns the engine's pods in input order.
func (e *Engine) Pods() []*Pod { return e.pods }

// SelectingPolicies returns the policies selecting p for ingress and for egress (after
// policyTypes defaulting). Host-network pods are not subject to NetworkPolicy: both are nil.
func (e *Engine) SelectingPolicies(p *Pod) (ingress, egress []*networkingv1.NetworkPolicy) {
	s := e.selectionFor(p)
	for _, cp := range s.ingress {
		ingress = append(ingress, cp.np)
	}
	for _, cp := range s.egress {
		egress = append(egress, cp.np)
	}
	return ingress, egress
}

// Allowed decides whether from may open a connection to to on port/proto (empty proto: TCP).
func (e *Engine) Allowed(from, to Endpoint, port int32, proto corev1.Protocol) Verdict {
	proto = protoOrTCP(proto)
	v := Verdict{
		Egress:  e.side(from.Pod, to, port, proto, true),
		Ingress: e.side(to.Pod, from, port, proto, false),
	}
	v.Allowed = v.Egress.Allowed && v.Ingress.Allowed
	return v
}

// side decides one direction for subject (the source for egress, the destination for
// ingress); peer is the other end of the connection.
func (e *Engine) side(subject *Pod, peer Endpoint, port int32, proto corev1.Protocol, egress bool) DirectionVerdict {
	dir := "ingress"
	if egress {
		dir = "egress"
	}
	switch {
	case subject == nil:
		return DirectionVerdict{Allowed: true, Reason: "not a pod: no " + dir + " policy applies"}
	case subject.HostNetwork:
		return DirectionVerdict{Allowed: true, Reason: "host network: not subject to NetworkPolicy"}
	}
	s := e.selectionFor(subject)
	pols := s.ingress
	dst := subject
	if egress {
		pols, dst = s.egress, peer.Pod
	}
	if len(pols) == 0 {
		return DirectionVerdict{Allowed: true, Reason: "not isolated for " + dir + ": no policy selects the pod"}
	}
	v := DirectionVerdict{Isolated: true}
	for _, cp := range pols {
		v.Selecting = append(v.Selecting, cp.name)
		rules := cp.ingressRules
		if egress {
			rules = cp.egressRules
		}
		for i := range rules {
			if rules[i].portsMatch(port, proto, dst) && e.peersMatch(&rules[i], peer) {
				v.Policies = append(v.Policies, cp.name)
				break
			}
		}
	}
	v.Allowed = len(v.Policies) > 0
	if v.Allowed {
		v.Reason = fmt.Sprintf("%s allowed by %s", dir, strings.Join(v.Policies, ", "))
	} else {
		v.Reason = fmt.Sprintf("isolated for %s by %s and no rule allows %s %d/%s", dir,
			strings.Join(v.Selecting, ", "), peer, port, proto)
	}
	return v
}

// peersMatch reports whether the rule's from/to matches the endpoint.
func (e *Engine) peersMatch(r *rule, ep Endpoint) bool {
	if r.allPeers {
		return true
	}
	for _, pe := range r.peers {
		if e.peerMatches(pe, ep) {
			return true
		}
	}
	return false
}

// peerMatches applies one from/to element: ipBlocks match only IP endpoints, selectors only pods.
func (e *Engine) peerMatches(pe *peer, ep Endpoint) bool {
	if pe.block != nil {
		return ep.Pod == nil && pe.block.containsIP(ep.IP)
	}
	p := ep.Pod
	if p == nil {
		return false
	}
	ns := namespaceOf(p.Namespace)
	if pe.nsSel == nil {
		if ns != pe.namespace {
			return false
		}
	} else if !pe.nsSel.Matches(e.namespaceLabels(ns)) {
		return false
	}
	return pe.podSel == nil || pe.podSel.Matches(labels.Set(p.Labels))
}
