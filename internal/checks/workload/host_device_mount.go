package workload

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
)

// Why: a hostPath of type CharDevice or BlockDevice, or any path under /dev, puts a node device
// node into the container. A disk gives raw reads and writes of every file on it past all
// permissions, /dev/mem and /dev/kmem reach kernel memory, and /dev/shm or /dev/mqueue share
// the host's IPC objects as hostIPC would. For an unprivileged container the runtime's device
// cgroup still refuses to open most devices, which is why this is Medium: the mount is inert
// only until the container is made privileged, a device plugin allocates the same device, or
// the runtime is configured to allow it, and it documents an intent to touch host hardware that
// belongs in a device plugin. Scope, to avoid double reports: /dev itself is left to the
// sensitive-host-path check (ST-0022), container runtime sockets to ST-0021, and type Socket
// (and /dev/log, the syslog socket) is host IPC rather than device access, so it is not
// reported here. ST-0022 also reports paths beneath /dev as sensitive; this check adds the
// device view (what kind of device, and the device-cgroup caveat).
var hostDeviceMount = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0046",
		Slug:     "host-device-mount",
		Title:    "Host device mounted through hostPath",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityMedium,
		Description: "A hostPath volume mounts a host device node (type CharDevice or BlockDevice, or a path " +
			"under /dev) into the pod. Disks read past all file permissions, memory devices reach the " +
			"kernel, and /dev/shm shares host IPC. Only the runtime's device cgroup stands between " +
			"the container and the device, and privileged mode or a device plugin removes it.",
		Remediation: "Remove the hostPath device volume; expose hardware through a device plugin or CDI device that the kubelet allocates and accounts for, and never combine a device mount with privileged: true.",
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
			"https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/device-plugins/",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var types []corev1.HostPathType
		for _, v := range w.Spec.Volumes {
			if v.HostPath != nil && v.HostPath.Type != nil {
				types = append(types, *v.HostPath.Type)
			} else if v.HostPath != nil {
				types = append(types, corev1.HostPathUnset)
			}
		}
		var vs []check.Violation
		// hostPathVolumes lists the same volumes in the same spec order as types.
		for i, v := range hostPathVolumes(w) {
			what, ok := hostDeviceKind(v.Clean, types[i])
			if !ok {
				continue
			}
			typ := ""
			if types[i] != corev1.HostPathUnset {
				typ = fmt.Sprintf(" (type %s)", types[i])
			}
			vs = append(vs, check.Violation{
				Path:    v.Path,
				Message: fmt.Sprintf("volume %q mounts host device path %s%s, %s, %s", v.Name, v.spelled(), typ, what, v.mountedPhrase()),
			})
		}
		return vs, nil
	},
}

// hostDeviceKind says what the host device at clean path p exposes, and whether this check
// reports it.
func hostDeviceKind(p string, t corev1.HostPathType) (string, bool) {
	device := t == corev1.HostPathCharDev || t == corev1.HostPathBlockDev
	underDev := pathWithin(p, "/dev") && p != "/dev"
	if !device && (!underDev || t == corev1.HostPathSocket || p == "/dev/log") {
		return "", false
	}
	switch {
	case p == "/dev/mem" || p == "/dev/kmem" || p == "/dev/port":
		return "physical or kernel memory of the node", true
	case pathWithin(p, "/dev/shm") || pathWithin(p, "/dev/mqueue"):
		return "the host's shared memory and message queues, shared with host processes", true
	case t == corev1.HostPathBlockDev || hasAnyPrefix(p, "/dev/sd", "/dev/nvme", "/dev/vd", "/dev/xvd", "/dev/loop", "/dev/dm-"):
		return "a disk device whose data can be read and written past all file permissions", true
	case pathWithin(p, "/dev/disk") || pathWithin(p, "/dev/mapper"):
		return "the node's disk device nodes, whose data can be read and written past all file permissions", true
	}
	return "a host device node", true
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
