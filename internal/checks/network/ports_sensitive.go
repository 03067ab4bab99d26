package network

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/intstr"
)

// sensitivePorts are the well-known ports of services that must never face untrusted
// networks: cluster components that hand out control of nodes or the whole cluster, container
// runtimes, debugging and metrics endpoints that leak internals, and datastores that commonly
// run without authentication. Ports that ordinary applications use as a matter of course are
// left out on purpose — 443, 80, 8080 (the API server's insecure port was removed in 1.20 and
// 8080 is now every web framework's default) and 8443 (the Kubernetes Dashboard's, but also
// countless web applications') — so that the finding points at a real exposure.
var sensitivePorts = map[int32]string{
	2375:  "the Docker API without TLS",
	2376:  "the Docker API",
	2379:  "the etcd client API",
	2380:  "the etcd peer API",
	4194:  "cAdvisor",
	6060:  "a Go pprof/debug endpoint",
	6443:  "the Kubernetes API server",
	10249: "kube-proxy metrics",
	10250: "the kubelet API",
	10255: "the kubelet read-only API",
	10257: "the kube-controller-manager",
	10259: "the kube-scheduler",
	9090:  "Prometheus",
	9093:  "Alertmanager",
	9100:  "node-exporter",
	2181:  "ZooKeeper",
	3306:  "MySQL",
	5432:  "PostgreSQL",
	5984:  "CouchDB",
	6379:  "Redis",
	9042:  "Cassandra",
	9200:  "Elasticsearch",
	9300:  "Elasticsearch transport",
	11211: "memcached",
	27017: "MongoDB",
}

// sensitiveService names the service a port belongs to; ok is false for other ports.
func sensitiveService(port int32) (string, bool) {
	s, ok := sensitivePorts[port]
	return s, ok
}

// sensitivePortsOf describes the sensitive ports among a Service port's port and numeric
// targetPort. A named targetPort is resolved by the pods, which the Service alone does not
// know, so it is not considered.
func sensitivePortsOf(port int32, target intstr.IntOrString) []string {
	var out []string
	if name, ok := sensitiveService(port); ok {
		out = append(out, fmt.Sprintf("port %d (%s)", port, name))
	}
	if target.Type == intstr.Int && target.IntVal != port {
		if name, ok := sensitiveService(target.IntVal); ok {
			out = append(out, fmt.Sprintf("target port %d (%s) as port %d", target.IntVal, name, port))
		}
	}
	return out
}
