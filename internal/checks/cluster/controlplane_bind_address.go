package cluster

import (
	"fmt"
	"net"
	"strings"

	"github.com/strata-sec/strata/internal/check"
)

// Why: the controller manager and the scheduler serve health, metrics and, with profiling, debug
// endpoints. Bound to every interface they are reachable from the node's network and from pods
// with host networking; nothing but the kubelet's local probes needs them.
var cpBindAddress = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0121",
		Slug:     "controller-manager-scheduler-bind-address",
		Title:    "Controller manager or scheduler listens on every interface",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "kube-controller-manager (CIS Kubernetes Benchmark 1.3.7) or kube-scheduler (1.4.2) runs with a " +
			"--bind-address other than the loopback address, or without it, whose default is 0.0.0.0, so its " +
			"secure port is reachable from the network.",
		Remediation: "Set --bind-address=127.0.0.1 on kube-controller-manager and kube-scheduler, and scrape their metrics through a local agent if needed.",
		References: []string{
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, bindAddress, controllerManager, scheduler)
	},
}

var bindAddressCIS = map[string]string{controllerManager: "1.3.7", scheduler: "1.4.2"}

func bindAddress(c *cpContainer) ([]check.Violation, string) {
	cis := bindAddressCIS[c.component]
	if port, ok := c.flags.value("secure-port"); ok && strings.TrimSpace(port) == "0" {
		return nil, "" // serving is disabled
	}
	o, ok := c.flags.last("bind-address")
	if !ok {
		return []check.Violation{c.missing("bind-address",
			fmt.Sprintf("--bind-address is not set and defaults to 0.0.0.0: the secure port is reachable from the network (CIS %s)", cis),
			c.addFlag("bind-address", "127.0.0.1"))}, ""
	}
	addr := strings.TrimSpace(o.value)
	if ip := net.ParseIP(addr); (ip != nil && ip.IsLoopback()) || addr == "localhost" {
		return nil, ""
	}
	return []check.Violation{c.at(o,
		fmt.Sprintf("--bind-address is %s: the secure port is reachable from the network (CIS %s)", addr, cis),
		setFlag(o, "127.0.0.1"))}, ""
}
