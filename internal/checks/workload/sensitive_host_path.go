package workload

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// Why: a hostPath volume bypasses every isolation the container runtime provides for the part
// of the node it exposes. Some directories are a node compromise on their own: /var/lib/kubelet
// holds the Secrets and service account tokens of every other pod on the node, /etc holds the
// kubelet's credentials, /proc and /sys reach the kernel (core_pattern, cgroup release_agent),
// and /var/log is served by the kubelet's /logs endpoint, so a symlink planted there makes the
// kubelet read /etc/shadow or a token file on the attacker's behalf. Writers normalise nothing,
// so "/etc/", "//etc" and "/var/lib/../../etc" are compared after cleaning.
var sensitiveHostPathMounted = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0022",
		Slug:     "sensitive-host-path-mounted",
		Title:    "Sensitive host path mounted into a pod",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityHigh,
		Description: "A hostPath volume exposes a sensitive host directory (/, /etc, /proc, /sys, /root, " +
			"/home, /boot, /dev, /var/lib/kubelet, /var/lib/docker, /var/lib/containerd, /var/lib/etcd, " +
			"/var/log, /var/run, /run), something beneath one, or a parent of one. These paths hold " +
			"node and cluster credentials, other pods' secrets and kernel interfaces, so a compromised " +
			"container reads them or turns a write into code execution on the node.",
		Remediation: "Replace the hostPath volume with a purpose-built volume (emptyDir, a PersistentVolumeClaim, " +
			"a projected Secret or ConfigMap, or the downward API); if a node agent truly needs host " +
			"files, mount the narrowest path read-only, run it on dedicated nodes and exempt it explicitly.",
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
			"https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
			"https://www.aquasec.com/blog/kubernetes-security-pod-escape-log-mounts/",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var out []check.Violation
		for _, v := range hostPathVolumes(w) {
			why := hostPathSensitivity(v.Clean)
			if why == "" {
				continue
			}
			out = append(out, check.Violation{
				Path: v.Path,
				Message: fmt.Sprintf("volume %q exposes sensitive host path %s %s: %s",
					v.Name, v.spelled(), v.exposedTo(), why),
			})
		}
		return out, nil
	},
}
