package network

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// Why: a LoadBalancer Service gets a public address from the cloud, and unless
// loadBalancerSourceRanges (or the provider's firewall annotation) narrows it, every host on the
// internet can connect. Internet-wide scanners (Shodan, Censys, masscan sweeps) find a new
// public load balancer within minutes, and the usual incidents follow: unauthenticated admin
// consoles, dashboards and databases taken over, credential stuffing against login pages. An
// internal load balancer (private address) is not reported; a public one should either be
// meant for the whole internet — then this finding is accepted — or be restricted.
var serviceLoadBalancerOpen = &check.ObjectCheck[*corev1.Service]{
	Meta: check.Meta{
		ID:       "ST-0200",
		Slug:     "load-balancer-open-to-internet",
		Title:    "LoadBalancer Service accepts traffic from the whole internet",
		Layer:    check.LayerNetwork,
		Severity: check.SeverityMedium,
		Description: "The Service is of type LoadBalancer with a public address and does not restrict its " +
			"clients with loadBalancerSourceRanges, or admits 0.0.0.0/0 or ::/0. Anyone on the internet " +
			"can reach the pods behind it, and scanners find new public load balancers within minutes.",
		Remediation: "Set spec.loadBalancerSourceRanges to the client networks that need access, make the load " +
			"balancer internal with your cloud provider's annotation, or publish the workload through an " +
			"Ingress or Gateway with TLS and authentication.",
		References: []string{
			"https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#restricting-client-access",
			"https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer",
		},
	},
	Kind: serviceKind,
	Run: func(_ *check.Env, _ *check.Object, svc *corev1.Service) ([]check.Violation, error) {
		if svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
			return nil, nil
		}
		if _, internal := internalLoadBalancer(svc); internal {
			return nil, nil
		}
		ranges := sourceRanges(svc)
		if len(ranges) == 0 {
			return []check.Violation{{
				Path:    field.NewPath("spec", "type"),
				Message: "LoadBalancer service has no loadBalancerSourceRanges: every internet address can connect",
			}}, nil
		}
		var vs []check.Violation
		for _, r := range ranges {
			if openCIDR(r.CIDR) {
				vs = append(vs, check.Violation{
					Path:    r.Path,
					Message: fmt.Sprintf("LoadBalancer source range %s admits every internet address", r.CIDR),
				})
			}
		}
		return vs, nil
	},
}
