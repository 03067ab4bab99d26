package workload

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: a hostPath volume mounts part of the node's filesystem into the pod. Mounting /, /etc,
// /var/lib/kubelet or the container runtime socket is a direct route to node root and to every
// other pod's secrets; even a read-only mount leaks kubelet credentials and logs. Upstream
// control: hostPathVolumes (baseline).
var pssHostPathVolumes = pss.NewCheck(check.Meta{
	ID:       "ST-0003",
	Slug:     "pss-host-path-volumes",
	Title:    "Pod mounts a hostPath volume",
	Layer:    check.LayerWorkload,
	Severity: check.SeverityHigh,
	Description: "The pod declares a hostPath volume, which mounts a directory or file of the node into the " +
		"container. Through it an attacker can read kubelet credentials and other pods' data, write to host " +
		"configuration, or reach the container runtime socket and start privileged containers on the node.",
	Remediation: "Replace hostPath volumes with emptyDir, configMap, secret, projected or persistentVolumeClaim volumes; node agents that truly need host files belong in a dedicated, exempted namespace.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
	},
}, locateHostPathVolumes)

// No fix: which volume type replaces a host directory depends on what the pod does with it.
func locateHostPathVolumes(e *pss.Eval) []check.Violation {
	var vs []check.Violation
	for i, v := range e.Workload.Spec.Volumes {
		if v.HostPath == nil {
			continue
		}
		probe := e.Pod(nil)
		probe.Volumes = append(probe.Volumes, v)
		msg, bad := e.Probe(nil, probe)
		if !bad {
			continue
		}
		vs = append(vs, check.Violation{
			Path:    e.Workload.Path.Child("volumes").Index(i).Child("hostPath"),
			Message: msg,
		})
	}
	return vs
}
