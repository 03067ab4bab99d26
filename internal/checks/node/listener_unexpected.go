package node

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: every service bound to all of a node's interfaces is reachable from pods, from other
// nodes and often from outside the cluster. Debug endpoints, metrics exporters and leftover
// daemons are how attackers move from a pod to the node; a node should expose the few ports
// Kubernetes needs and nothing else.
var unexpectedListener = factsCheck(check.Meta{
	ID:       "ST-0322",
	Slug:     "node-unexpected-listener",
	Title:    "Unexpected service listens on all node interfaces",
	Layer:    check.LayerNode,
	Severity: check.SeverityLow,
	Description: "A process listens on every interface of the node (0.0.0.0 or ::) on a port outside the ports " +
		"a Kubernetes node is expected to expose: SSH (22), DNS (53), BGP (179), kube-apiserver (6443), the " +
		"kubelet (10250), kube-proxy's health check (10256), kube-proxy's NodePort range (30000-32767), and DHCP, " +
		"NTP, VXLAN and WireGuard over UDP. Services bound to loopback or a single address are not reported; " +
		"the unauthenticated services of ST-0320 are reported there.",
	Remediation: "Stop the service, bind it to 127.0.0.1 or the one address that needs it, or block the port at the node's firewall.",
	References:  listenerReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	var out []check.Violation
	for i, l := range f.Listeners {
		if !allInterfaces(l.Address) || expectedListener(l) || tcp(l) && insecureService(l) != "" {
			continue
		}
		out = append(out, check.Violation{Path: field.NewPath("listeners").Index(i), Message: fmt.Sprintf(
			"%s listens on every interface of the node, on a port not expected on a Kubernetes node", listenerText(l))})
	}
	return out, nil
})

// expectedTCP and expectedUDP are the ports a Kubernetes node is expected to expose on every
// interface.
var (
	expectedTCP = map[int]bool{22: true, 53: true, 179: true, 6443: true, 10250: true, 10256: true}
	// 68 DHCP client, 123 and 323 NTP (chronyd), 4789 and 8472 VXLAN (Calico, Flannel, Cilium),
	// 51820 and 51821 WireGuard (Calico, Cilium).
	expectedUDP = map[int]bool{53: true, 68: true, 123: true, 323: true, 4789: true, 8472: true, 51820: true, 51821: true}
)

func expectedListener(l nodefacts.Listener) bool {
	if tcp(l) {
		nodePort := l.Process == "kube-proxy" && l.Port >= 30000 && l.Port <= 32767
		return expectedTCP[l.Port] || nodePort
	}
	return expectedUDP[l.Port]
}
