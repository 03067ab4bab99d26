package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: a hostPort publishes the container on the node's own IP, bypassing Services and most
// NetworkPolicy implementations, and ties the pod to nodes where the port is free. It is a
// common way to expose a debug or admin port to the whole node network by accident. Upstream
// control: hostPorts (baseline).
var pssHostPorts = pss.NewCheck(check.Meta{
	ID:       "ST-0004",
	Slug:     "pss-host-ports",
	Title:    "Container binds a host port",
	Layer:    check.LayerWorkload,
	Severity: check.SeverityMedium,
	Description: "A container port sets hostPort, which opens that port on the node's IP address and forwards " +
		"it to the container. The port is reachable by anything that can reach the node, outside the Service " +
		"abstraction and often outside NetworkPolicy, which widens the attack surface of the workload.",
	Remediation: "Remove hostPort from the container ports and expose the workload through a Service (ClusterIP, NodePort or LoadBalancer) instead.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/concepts/configuration/overview/#services",
	},
}, locateHostPorts)

// No fix: removing a host port changes how clients reach the workload, which needs a Service
// someone has to design.
func locateHostPorts(e *pss.Eval) []check.Violation {
	var vs []check.Violation
	for c := range e.Workload.Containers() {
		for j, port := range c.Container.Ports {
			if port.HostPort == 0 {
				continue
			}
			msg, bad := e.Probe(nil, pss.WithContainers(e.Pod(nil), pss.Synthetic{
				Kind:      c.Kind,
				Container: corev1.Container{Name: c.Container.Name, Ports: []corev1.ContainerPort{port}},
			}))
			if !bad {
				continue
			}
			vs = append(vs, check.Violation{
				Path:    c.Path.Child("ports").Index(j).Child("hostPort"),
				Message: msg,
			})
		}
	}
	return vs
}
