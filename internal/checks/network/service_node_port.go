package network

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// Why: a NodePort Service opens the same port on every node's addresses, including nodes
// with public IPs, and the traffic goes straight to kube-proxy: it never crosses the cloud load
// balancer, its source ranges or its WAF. Node security groups are usually written for kubelet
// and SSH and rarely audited per port, so a NodePort is how "internal" admin consoles and
// debugging endpoints end up reachable from wherever the nodes are. LoadBalancer Services also
// allocate node ports, but ST-0200 covers them; this check reports Services whose only purpose
// is the node port.
var serviceNodePort = &check.ObjectCheck[*corev1.Service]{
	Meta: check.Meta{
		ID:       "ST-0201",
		Slug:     "node-port-service",
		Title:    "Service is exposed on every node through a NodePort",
		Layer:    check.LayerNetwork,
		Severity: check.SeverityLow,
		Description: "The Service is of type NodePort, so its port is open on every node's IP addresses. " +
			"The traffic bypasses cloud load balancers, their source ranges and web application " +
			"firewalls, and is reachable from every network that can reach a node.",
		Remediation: "Use a ClusterIP Service behind an Ingress or Gateway, or a LoadBalancer with " +
			"loadBalancerSourceRanges, and firewall the NodePort range (30000-32767) on the nodes.",
		References: []string{
			"https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport",
		},
	},
	Kind: serviceKind,
	Run: func(_ *check.Env, _ *check.Object, svc *corev1.Service) ([]check.Violation, error) {
		if svc.Spec.Type != corev1.ServiceTypeNodePort {
			return nil, nil
		}
		var ports []string
		for _, p := range svc.Spec.Ports {
			if p.NodePort != 0 {
				ports = append(ports, fmt.Sprintf("%d/%s", p.NodePort, portProtocol(p.Protocol)))
			} else {
				ports = append(ports, fmt.Sprintf("an allocated node port for %d/%s", p.Port, portProtocol(p.Protocol)))
			}
		}
		msg := "NodePort service is reachable on every node"
		if len(ports) > 0 {
			msg += " at " + strings.Join(ports, ", ")
		}
		return []check.Violation{{Path: field.NewPath("spec", "type"), Message: msg}}, nil
	},
}

// portProtocol names a port's protocol, TCP when unset as the API defaults it.
func portProtocol(p corev1.Protocol) string {
	if p == "" {
		return string(corev1.ProtocolTCP)
	}
	return string(p)
}
