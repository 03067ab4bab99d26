package workload

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: a pod in the host's network namespace can bind node ports and sniff or spoof node
// traffic and reach services bound to localhost (the kubelet, etcd on control-plane nodes); in
// the host PID namespace it can see and signal every process on the node and read their
// environment; in the host IPC namespace it can read shared memory of host processes. Upstream
// control: hostNamespaces (baseline).
var pssHostNamespaces = pss.NewCheck(check.Meta{
	ID:       "ST-0002",
	Slug:     "pss-host-namespaces",
	Title:    "Pod shares host namespaces",
	Layer:    check.LayerWorkload,
	Severity: check.SeverityHigh,
	Description: "The pod sets hostNetwork, hostPID or hostIPC. Sharing the node's network namespace exposes " +
		"services bound to the node's localhost and lets the pod sniff node traffic; sharing its PID namespace " +
		"lets the pod see, signal and inspect every process on the node; sharing its IPC namespace exposes " +
		"host shared memory. Each removes a boundary between the pod and the node.",
	Remediation: "Remove hostNetwork, hostPID and hostIPC from the pod spec or set them to false; expose network services through a Service instead.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/concepts/security/linux-kernel-security-constraints/",
	},
}, locateHostNamespaces)

func locateHostNamespaces(e *pss.Eval) []check.Violation {
	spec := e.Workload.Spec
	flags := []struct {
		field string
		on    bool
	}{
		{"hostNetwork", spec.HostNetwork},
		{"hostPID", spec.HostPID},
		{"hostIPC", spec.HostIPC},
	}
	var vs []check.Violation
	for _, f := range flags {
		if !f.on {
			continue
		}
		probe := e.Pod(nil)
		probe.HostNetwork = f.field == "hostNetwork"
		probe.HostPID = f.field == "hostPID"
		probe.HostIPC = f.field == "hostIPC"
		msg, bad := e.Probe(nil, probe)
		if !bad {
			continue
		}
		p := e.Workload.Path.Child(f.field)
		vs = append(vs, check.Violation{Path: p, Message: msg, Fix: []check.PatchOp{pss.Replace(p, false)}})
	}
	return vs
}
