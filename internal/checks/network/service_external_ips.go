package network

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// Why: CVE-2020-8554 is a design flaw, not a bug that a patch removes. kube-proxy programs
// every node to route traffic for a Service's spec.externalIPs to the Service's endpoints, and
// the API server does not check who owns those addresses. Anyone allowed to create or edit a
// Service in any namespace can therefore claim an external address (a public DNS resolver, a
// SaaS endpoint, another tenant's database) and every pod and node in the cluster that talks to
// it is silently routed to the attacker's pods: a cluster-wide man-in-the-middle. A Service
// carrying externalIPs is either that attack or a legitimate use of the same dangerous feature;
// both deserve a look, and the DenyServiceExternalIPs admission plugin (checked at cluster level)
// is the durable fix.
var serviceExternalIPs = &check.ObjectCheck[*corev1.Service]{
	Meta: check.Meta{
		ID:       "ST-0202",
		Slug:     "service-external-ips",
		Title:    "Service claims external IPs (CVE-2020-8554)",
		Layer:    check.LayerNetwork,
		Severity: check.SeverityHigh,
		Description: "The Service sets spec.externalIPs. Kubernetes does not verify who owns those " +
			"addresses, so every node routes traffic for them to this Service's pods (CVE-2020-8554): " +
			"whoever can create such a Service can intercept the cluster's traffic to any address.",
		Remediation: "Remove spec.externalIPs and expose the Service through a LoadBalancer or an Ingress, and " +
			"enable the DenyServiceExternalIPs admission plugin or an admission policy that restricts externalIPs.",
		References: []string{
			"https://github.com/kubernetes/kubernetes/issues/97076",
			"https://kubernetes.io/docs/concepts/services-networking/service/#external-ips",
		},
	},
	Kind: schema.GroupKind{Kind: "Service"},
	Run: func(_ *check.Env, _ *check.Object, svc *corev1.Service) ([]check.Violation, error) {
		if len(svc.Spec.ExternalIPs) == 0 {
			return nil, nil
		}
		return []check.Violation{{
			Path: field.NewPath("spec", "externalIPs"),
			Message: fmt.Sprintf("service routes traffic for external IPs %s to its pods on every node",
				strings.Join(svc.Spec.ExternalIPs, ", ")),
		}}, nil
	},
}
