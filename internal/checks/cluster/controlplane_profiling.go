package cluster

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// Why: the /debug/pprof endpoints expose goroutine stacks, heap contents and request details of
// the component, and a CPU profile request keeps it busy for as long as the caller asks. None of
// it is needed in production, and each is one RBAC mistake away from an unprivileged caller.
var cpProfiling = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0112",
		Slug:     "control-plane-profiling-enabled",
		Title:    "Control-plane component serves profiling endpoints",
		Layer:    check.LayerCluster,
		Severity: check.SeverityLow,
		Description: "kube-apiserver (CIS Kubernetes Benchmark 1.2.15), kube-controller-manager (1.3.2) or " +
			"kube-scheduler (1.4.1) runs with --profiling=true, or without the flag, whose default is true, and " +
			"serves /debug/pprof. A scheduler configured with --config takes the setting from that file, which " +
			"strata does not read; it is then not assessed.",
		Remediation: "Set --profiling=false on kube-apiserver, kube-controller-manager and kube-scheduler (enableProfiling: false in a KubeSchedulerConfiguration).",
		References: []string{
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, profiling, apiServer, controllerManager, scheduler)
	},
}

var profilingCIS = map[string]string{apiServer: "1.2.15", controllerManager: "1.3.2", scheduler: "1.4.1"}

func profiling(c *cpContainer) ([]check.Violation, string) {
	cis := profilingCIS[c.component]
	val, set, valid := c.flags.boolean("profiling")
	switch {
	case !set && c.component == scheduler && c.flags.has("config"):
		return nil, "profiling is configured in the --config file, which strata does not read"
	case !set:
		return []check.Violation{c.missing("profiling",
			fmt.Sprintf("--profiling is not set and defaults to true: /debug/pprof exposes the component's memory and stacks (CIS %s)", cis),
			c.addFlag("profiling", "false"))}, ""
	case !valid || val:
		o, _ := c.flags.last("profiling")
		return []check.Violation{c.at(o,
			fmt.Sprintf("--profiling is true: /debug/pprof exposes the component's memory and stacks (CIS %s)", cis),
			setFlag(o, "false"))}, ""
	}
	return nil, ""
}
