package network

import (
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/strata-sec/strata/internal/check"
)

// exposedServices maps "namespace/name" of every Service reachable from outside the cluster
// to the ways it is: its own type or externalIPs, and the Ingresses that route to it.
type exposedServices map[string][]string

// externalExposure collects the Services reachable from outside the cluster.
func externalExposure(inv check.Inventory) (exposedServices, error) {
	out := exposedServices{}
	for _, o := range inv.List(serviceKind, "") {
		svc, ok := o.Obj.(*corev1.Service)
		if !ok {
			return nil, fmt.Errorf("%s: unexpected type %T", o.Ref, o.Obj)
		}
		if how := exposure(svc); how != "" {
			key := o.Ref.Namespace + "/" + o.Ref.Name
			out[key] = append(out[key], fmt.Sprintf("%s Service %s", how, key))
		}
	}
	for _, o := range inv.List(ingressKind, "") {
		ing, ok := o.Obj.(*networkingv1.Ingress)
		if !ok {
			return nil, fmt.Errorf("%s: unexpected type %T", o.Ref, o.Obj)
		}
		for _, name := range ingressBackends(ing) {
			key := o.Ref.Namespace + "/" + name
			out[key] = append(out[key], fmt.Sprintf("Ingress %s/%s (Service %s)", o.Ref.Namespace, o.Ref.Name, name))
		}
	}
	return out, nil
}

// ingressBackends returns the distinct names of the Services an Ingress routes to, sorted.
func ingressBackends(ing *networkingv1.Ingress) []string {
	seen := map[string]bool{}
	add := func(b *networkingv1.IngressBackend) {
		if b != nil && b.Service != nil && b.Service.Name != "" {
			seen[b.Service.Name] = true
		}
	}
	add(ing.Spec.DefaultBackend)
	for _, r := range ing.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		for i := range r.HTTP.Paths {
			add(&r.HTTP.Paths[i].Backend)
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// exposuresOf returns how the pods labelled labels in namespace are reachable from outside the
// cluster: through every exposed Service whose selector selects them.
func exposuresOf(inv check.Inventory, exposed exposedServices, namespace string, labels map[string]string) []string {
	var out []string
	for _, o := range inv.List(serviceKind, namespace) {
		svc, ok := o.Obj.(*corev1.Service)
		if !ok || !serviceSelects(svc.Spec.Selector, labels) {
			continue
		}
		out = append(out, exposed[namespace+"/"+o.Ref.Name]...)
	}
	sort.Strings(out)
	return out
}

// serviceSelects reports whether a Service selector selects pods with labels. A Service without a
// selector selects no pods (its endpoints are managed by hand), so an empty selector matches
// nothing; otherwise every selector label must be present with the same value.
func serviceSelects(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}
