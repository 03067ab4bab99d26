package workload

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// limitsEvery reports whether the pod as a whole is bounded in resource name: a pod-level limit,
// or a limit on every init and regular container (the kubelet's pod cgroup and ephemeral-storage
// eviction are bounded only when each container is; an unlimited one leaves the pod unbounded).
// Ephemeral containers cannot declare resources and run inside the pod's bounds.
func limitsEvery(spec *corev1.PodSpec, name corev1.ResourceName) bool {
	if spec.Resources != nil {
		if _, ok := spec.Resources.Limits[name]; ok {
			return true
		}
	}
	n := 0
	for _, list := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for i := range list {
			if _, ok := list[i].Resources.Limits[name]; !ok {
				return false
			}
			n++
		}
	}
	return n > 0
}

// hostNamespacesUsed lists the host namespaces (hostNetwork, hostPID, hostIPC) the pod joins.
func hostNamespacesUsed(spec *corev1.PodSpec) []string {
	var out []string
	for _, ns := range []struct {
		name string
		on   bool
	}{{"hostNetwork", spec.HostNetwork}, {"hostPID", spec.HostPID}, {"hostIPC", spec.HostIPC}} {
		if ns.on {
			out = append(out, ns.name)
		}
	}
	return out
}

// isWindowsPod reports whether the pod declares the Windows OS, where Linux user namespaces and
// UIDs do not apply.
func isWindowsPod(spec *corev1.PodSpec) bool {
	return spec.OS != nil && strings.EqualFold(string(spec.OS.Name), string(corev1.Windows))
}

// userNamespaced reports whether the pod asks for its own user namespace (hostUsers: false).
func userNamespaced(spec *corev1.PodSpec) bool {
	return spec.HostUsers != nil && !*spec.HostUsers
}
