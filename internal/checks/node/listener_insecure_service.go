package node

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: a handful of ports on a Kubernetes node answer without authentication: the Docker API
// on 2375 (a root shell on the node through one container create), the API server's insecure
// port (cluster-admin without credentials), the kubelet's read-only port and cAdvisor (pod
// specs and metrics). Reachable from the network, each is an immediate foothold, and they are
// the first things scanners probe.
var insecureServiceListener = factsCheck(check.Meta{
	ID:       "ST-0320",
	Slug:     "node-insecure-service-exposed",
	Title:    "Unauthenticated service listens on a node address",
	Layer:    check.LayerNode,
	Severity: check.SeverityCritical,
	Description: "A service known to answer without authentication listens on an address other than loopback: " +
		"the Docker API without TLS (2375), kube-apiserver's insecure port (8080), the kubelet's read-only port " +
		"(10255) or cAdvisor (4194).",
	Remediation: "Turn the service off (readOnlyPort: 0 for the kubelet, no tcp:// host in dockerd's hosts, no --insecure-port for old API servers) or bind it to 127.0.0.1, and block the port at the node's firewall.",
	References: append([]string{
		"https://docs.docker.com/engine/security/protect-access/",
	}, listenerReferences...),
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	var out []check.Violation
	for i, l := range f.Listeners {
		if !tcp(l) || loopback(l.Address) {
			continue
		}
		what := insecureService(l)
		if what == "" {
			continue
		}
		out = append(out, check.Violation{Path: field.NewPath("listeners").Index(i), Message: fmt.Sprintf(
			"%s serves %s without authentication", listenerText(l), what)})
	}
	return out, nil
})

// insecureService names the unauthenticated service a listener is, or "".
func insecureService(l nodefacts.Listener) string {
	switch {
	case l.Port == 2375:
		return "the Docker API"
	case l.Port == 10255:
		return "the kubelet's read-only API"
	case l.Port == 4194:
		return "cAdvisor"
	case l.Port == 8080 && l.Process == "kube-apiserver":
		return "the API server's insecure port"
	}
	return ""
}
