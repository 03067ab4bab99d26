package workload

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// Why: a writable hostPath mount lets a compromised container change files the node itself
// trusts. Writing to a directory the kubelet or a host daemon reads (log directories, config,
// plugin and binary directories) turns a container compromise into code execution or
// persistence on the node, and files it plants survive the pod. Even on a harmless-looking
// directory a writer can fill the node's disk or leave setuid binaries for a later pod. Most
// agents only need to read what they mount.
var writableHostPath = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0023",
		Slug:     "writable-host-path",
		Title:    "hostPath volume mounted writable",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityMedium,
		Description: "A container mounts a hostPath volume without readOnly: true, so it can create, change " +
			"and delete files on the node. A compromised container uses that to plant files the node " +
			"executes or trusts, to persist beyond the pod, or to exhaust the node's disk.",
		Remediation: "Set readOnly: true on the volumeMount; if the container must write, give it an emptyDir " +
			"or a PersistentVolumeClaim instead of a host directory.",
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
			"https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		hostPaths := map[string]string{}
		for _, v := range w.Spec.Volumes {
			if v.HostPath != nil {
				hostPaths[v.Name] = v.HostPath.Path
			}
		}
		if len(hostPaths) == 0 {
			return nil, nil
		}
		var out []check.Violation
		for c := range w.Containers() {
			for j, m := range c.Container.VolumeMounts {
				hp, ok := hostPaths[m.Name]
				if !ok || m.ReadOnly {
					continue
				}
				p := c.Path.Child("volumeMounts").Index(j)
				out = append(out, check.Violation{
					Path: p,
					Message: fmt.Sprintf("container %q mounts hostPath volume %q (%s) writable at %s",
						c.Container.Name, m.Name, hp, m.MountPath),
					Fix: []check.PatchOp{{Op: "add", Path: check.Pointer(p.Child("readOnly")), Value: true}},
				})
			}
		}
		return out, nil
	},
}
