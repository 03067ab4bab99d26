package network

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// Why: a hostPort binds the port on the node's own addresses, so whatever listens there is
// reachable from every network the node is on, around Services, NetworkPolicies enforced at
// the pod and cloud load-balancer rules. On a sensitive port it also squats a node service's
// port: a pod with hostPort 10250 or 2379 intercepts what clients believe is the kubelet or
// etcd on nodes where that port is free, and a Redis or Elasticsearch on a hostPort is an
// unauthenticated datastore on the node network. Pods on the host network bind every container
// port on the node, so their container ports count as host ports; removing the hostPort is
// then no fix and none is offered. PSS baseline (ST-0004) reports hostPorts as
// such; this check adds which service is being exposed and reports only the dangerous ones.
var hostPortSensitive = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0208",
		Slug:     "sensitive-host-port",
		Title:    "Container binds a sensitive port on the node",
		Layer:    check.LayerNetwork,
		Severity: check.SeverityMedium,
		Description: "A container maps a hostPort that belongs to a cluster component (kubelet, etcd, API " +
			"server), a container runtime API, a debug or metrics endpoint, or a datastore. The service " +
			"is reachable on the node's addresses from every network the node is on, and may impersonate " +
			"the node service that normally owns the port.",
		Remediation: "Remove the hostPort (and hostNetwork) and expose the container through a ClusterIP Service; reach it from " +
			"outside the cluster through an authenticated Ingress or Gateway if it must be.",
		References: []string{
			"https://kubernetes.io/docs/concepts/configuration/overview/#services",
			"https://kubernetes.io/docs/reference/networking/ports-and-protocols/",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		hostNetwork := w.Spec.HostNetwork
		var vs []check.Violation
		for c := range w.Containers() {
			for i, p := range c.Container.Ports {
				port, path := p.HostPort, c.Path.Child("ports").Index(i)
				if port == 0 && hostNetwork {
					// On the host network every container port is a node port; the API
					// server defaults hostPort to it.
					port = p.ContainerPort
				}
				name, ok := sensitiveService(port)
				if !ok {
					continue
				}
				v := check.Violation{Path: path.Child("hostPort"),
					Message: fmt.Sprintf("%s binds host port %d, the port of %s, on the node", c, port, name)}
				switch {
				case hostNetwork:
					v.Path = path.Child("containerPort")
					v.Message = fmt.Sprintf("%s listens on port %d, the port of %s, on the node's network", c, port, name)
				default:
					v.Fix = []check.PatchOp{{Op: "remove", Path: check.Pointer(v.Path)}}
				}
				vs = append(vs, v)
			}
		}
		return vs, nil
	},
}
