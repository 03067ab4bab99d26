package network

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// Why: the ports in this list belong to things attackers search the internet for by number.
// An exposed kubelet (10250) runs commands in any pod; etcd (2379) and the Docker API (2375)
// are the whole cluster or node; Redis, MongoDB, Elasticsearch and memcached are found without
// authentication every day and ransomed or mined within hours of appearing on Shodan; pprof and
// Prometheus leak memory contents, internal topology and credentials in labels. Inside the
// cluster a ClusterIP database Service is normal and not reported: the finding is raised only
// when the Service publishes the port outside the cluster (LoadBalancer, NodePort,
// externalIPs). A LoadBalancer restricted to listed, non-open source ranges is treated as a
// deliberate, limited exposure and not reported.
var serviceSensitivePort = &check.ObjectCheck[*corev1.Service]{
	Meta: check.Meta{
		ID:       "ST-0206",
		Slug:     "sensitive-port-exposed",
		Title:    "Service exposes a sensitive port outside the cluster",
		Layer:    check.LayerNetwork,
		Severity: check.SeverityHigh,
		Description: "A LoadBalancer, NodePort or externalIPs Service publishes a port of a cluster component " +
			"(kubelet, etcd, API server), a container runtime API, a debug or metrics endpoint, or a " +
			"datastore outside the cluster. These ports are scanned for continuously and often answer " +
			"without authentication.",
		Remediation: "Make the Service ClusterIP and reach it from inside the cluster, through a VPN or with " +
			"kubectl port-forward; if it must be external, restrict loadBalancerSourceRanges to known " +
			"networks and require authentication and TLS.",
		References: []string{
			"https://kubernetes.io/docs/reference/networking/ports-and-protocols/",
			"https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types",
		},
	},
	Kind: serviceKind,
	Run: func(_ *check.Env, _ *check.Object, svc *corev1.Service) ([]check.Violation, error) {
		how := exposure(svc)
		if how == "" || (how == "LoadBalancer" && restrictedSources(svc)) {
			return nil, nil
		}
		var vs []check.Violation
		for i, p := range svc.Spec.Ports {
			found := sensitivePortsOf(p.Port, p.TargetPort)
			if len(found) == 0 {
				continue
			}
			vs = append(vs, check.Violation{
				Path: field.NewPath("spec", "ports").Index(i),
				Message: fmt.Sprintf("%s service publishes %s outside the cluster",
					how, strings.Join(found, " and ")),
			})
		}
		return vs, nil
	},
}
