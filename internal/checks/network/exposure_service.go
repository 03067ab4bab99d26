package network

import (
	"net/netip"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

var (
	serviceKind = schema.GroupKind{Kind: "Service"}
	ingressKind = schema.GroupKind{Group: "networking.k8s.io", Kind: "Ingress"}
)

// sourceRangesAnnotation is the older, still honoured, way of restricting a LoadBalancer's
// clients; spec.loadBalancerSourceRanges wins when both are set.
const sourceRangesAnnotation = "service.beta.kubernetes.io/load-balancer-source-ranges"

// internalLBAnnotations are the cloud providers' annotations that make a LoadBalancer Service
// allocate a private address instead of a public one, with the values that do so.
var internalLBAnnotations = map[string][]string{
	"service.beta.kubernetes.io/aws-load-balancer-internal":          {"true", "0.0.0.0/0"},
	"service.beta.kubernetes.io/aws-load-balancer-scheme":            {"internal"},
	"service.beta.kubernetes.io/azure-load-balancer-internal":        {"true"},
	"networking.gke.io/load-balancer-type":                           {"internal"},
	"cloud.google.com/load-balancer-type":                            {"internal"},
	"service.beta.kubernetes.io/oci-load-balancer-internal":          {"true"},
	"service.beta.kubernetes.io/openstack-internal-load-balancer":    {"true"},
	"service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": {"private"},
}

// internalLoadBalancer reports whether a LoadBalancer Service asks its cloud for a private
// address, and the annotation that does.
func internalLoadBalancer(svc *corev1.Service) (string, bool) {
	for key, values := range internalLBAnnotations {
		v, ok := svc.Annotations[key]
		if !ok {
			continue
		}
		for _, want := range values {
			if strings.EqualFold(strings.TrimSpace(v), want) {
				return key, true
			}
		}
	}
	return "", false
}

// sourceRange is one client CIDR a LoadBalancer admits, with the field that lists it.
type sourceRange struct {
	CIDR string
	Path *field.Path
}

// sourceRanges returns the CIDRs a LoadBalancer Service admits, from the spec field or, when
// that is empty, from the legacy annotation. An empty result means every address is admitted.
func sourceRanges(svc *corev1.Service) []sourceRange {
	var out []sourceRange
	if len(svc.Spec.LoadBalancerSourceRanges) > 0 {
		p := field.NewPath("spec", "loadBalancerSourceRanges")
		for i, r := range svc.Spec.LoadBalancerSourceRanges {
			out = append(out, sourceRange{CIDR: strings.TrimSpace(r), Path: p.Index(i)})
		}
		return out
	}
	v, ok := svc.Annotations[sourceRangesAnnotation]
	if !ok {
		return nil
	}
	p := field.NewPath("metadata", "annotations").Key(sourceRangesAnnotation)
	for _, r := range strings.Split(v, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, sourceRange{CIDR: r, Path: p})
		}
	}
	return out
}

// openCIDR reports whether cidr admits every address of its family (0.0.0.0/0, ::/0).
func openCIDR(cidr string) bool {
	p, err := netip.ParsePrefix(cidr)
	return err == nil && p.Bits() == 0
}

// restrictedSources reports whether a LoadBalancer admits only listed, non-open CIDRs.
func restrictedSources(svc *corev1.Service) bool {
	rs := sourceRanges(svc)
	for _, r := range rs {
		if openCIDR(r.CIDR) {
			return false
		}
	}
	return len(rs) > 0
}

// exposure says how a Service is reachable from outside the cluster: "LoadBalancer",
// "NodePort" or "externalIPs"; empty for Services only pods can reach. A LoadBalancer also
// opens node ports, and externalIPs work with every type, so the widest exposure is named.
func exposure(svc *corev1.Service) string {
	switch {
	case svc.Spec.Type == corev1.ServiceTypeLoadBalancer:
		return "LoadBalancer"
	case svc.Spec.Type == corev1.ServiceTypeNodePort:
		return "NodePort"
	case len(svc.Spec.ExternalIPs) > 0:
		return "externalIPs"
	}
	return ""
}
