package workload

import (
	"fmt"
	"path"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// hostPathVolume is a hostPath volume of a pod spec with the containers that mount it.
type hostPathVolume struct {
	Name string
	// Raw is the path as written; Clean is it normalised by cleanHostPath.
	Raw, Clean string
	// Path is the field path of hostPath.path.
	Path *field.Path
	// MountedBy names the containers (init, regular and ephemeral) with a volumeMount of it.
	MountedBy []string
}

// hostPathVolumes lists w's hostPath volumes in spec order.
func hostPathVolumes(w *check.Workload) []hostPathVolume {
	var out []hostPathVolume
	for i, v := range w.Spec.Volumes {
		if v.HostPath == nil {
			continue
		}
		hv := hostPathVolume{
			Name:  v.Name,
			Raw:   v.HostPath.Path,
			Clean: cleanHostPath(v.HostPath.Path),
			Path:  w.Path.Child("volumes").Index(i).Child("hostPath", "path"),
		}
		for c := range w.Containers() {
			for _, m := range c.Container.VolumeMounts {
				if m.Name == v.Name {
					hv.MountedBy = append(hv.MountedBy, c.Container.Name)
					break
				}
			}
		}
		out = append(out, hv)
	}
	return out
}

// cleanHostPath normalises a hostPath lexically, the way the kubelet hands it to the mount: it
// removes repeated and trailing slashes, "." and ".." elements. A relative path is taken from
// the root, where the kubelet runs; symlinks on the node cannot be resolved from a manifest.
func cleanHostPath(p string) string {
	p = strings.TrimSpace(p)
	if p == "" {
		return ""
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return path.Clean(p)
}

// pathWithin reports whether the clean path p is dir or lies beneath it.
func pathWithin(p, dir string) bool {
	if dir == "/" {
		return strings.HasPrefix(p, "/")
	}
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// spelled renders a host path for a message: the clean form, plus the raw spelling when it
// differs, so a reader sees why "/etc/./" counts as /etc.
func (v hostPathVolume) spelled() string {
	if v.Raw == v.Clean {
		return v.Clean
	}
	return fmt.Sprintf("%s (written %q)", v.Clean, v.Raw)
}

// exposedTo says which containers a volume reaches: "to container "a"", "to containers "a",
// "b"", or that none mounts it yet.
func (v hostPathVolume) exposedTo() string {
	switch len(v.MountedBy) {
	case 0:
		return "though no container mounts it yet"
	case 1:
		return "to container " + quotedNames(v.MountedBy)
	}
	return "to containers " + quotedNames(v.MountedBy)
}

// mountedPhrase says which containers mount a volume: "mounted by container "a"", "mounted by
// containers "a", "b"", or that none does yet.
func (v hostPathVolume) mountedPhrase() string {
	switch len(v.MountedBy) {
	case 0:
		return "declared but not mounted by any container yet"
	case 1:
		return "mounted by container " + quotedNames(v.MountedBy)
	}
	return "mounted by containers " + quotedNames(v.MountedBy)
}

// quotedNames renders names as "a", "b".
func quotedNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// sensitiveHostPaths are host directories whose exposure hands a pod the node or its
// neighbours, each with the reason a message gives.
var sensitiveHostPaths = []struct{ dir, why string }{
	{"/", "the whole host filesystem, with every credential and runtime socket of the node"},
	{"/etc", "host configuration, including password hashes, the kubelet and kubeadm credentials under /etc/kubernetes, and cron and systemd units that give persistence"},
	{"/proc", "host processes' environment and memory, and kernel knobs such as /proc/sys/kernel/core_pattern that run code on the host"},
	{"/sys", "kernel and cgroup controls, with cgroup release_agent escapes (CVE-2022-0492) and device and firmware interfaces"},
	{"/root", "root's home, with SSH keys, kubeconfigs and shell history full of credentials"},
	{"/home", "users' SSH keys, cloud credentials and kubeconfigs"},
	{"/boot", "kernel images and boot configuration, where a write survives reboots"},
	{"/dev", "raw host devices, whose disks can be read past every file permission, plus memory and terminals"},
	{"/var/lib/kubelet", "every pod's volumes on the node, including other pods' Secrets and service account tokens, and the kubelet's own credentials"},
	{"/var/lib/docker", "the filesystems of every Docker container on the node, where a write injects code into them"},
	{"/var/lib/containerd", "the filesystems of every containerd container on the node, where a write injects code into them"},
	{"/var/lib/etcd", "the etcd database, which holds every Secret of the cluster, unencrypted by default"},
	{"/var/log", "the node's and other pods' logs, served by the kubelet's /logs endpoint, where a planted symlink makes the kubelet read any host file for the pod"},
	{"/var/run", "container runtime, systemd and D-Bus sockets, each one request away from a privileged container or a root service"},
	{"/run", "container runtime, systemd and D-Bus sockets, each one request away from a privileged container or a root service"},
}

// hostPathSensitivity explains why the clean host path p is sensitive, or returns "" when it is
// not. A path is sensitive when it is "/" itself, lies beneath a sensitive directory (the most
// specific one explains), or is a parent of sensitive directories (it contains them).
func hostPathSensitivity(p string) string {
	if p == "" {
		return ""
	}
	best := -1
	for i, s := range sensitiveHostPaths {
		if s.dir == "/" {
			if p == "/" {
				return s.why
			}
			continue
		}
		if pathWithin(p, s.dir) && (best < 0 || len(s.dir) > len(sensitiveHostPaths[best].dir)) {
			best = i
		}
	}
	if best >= 0 {
		s := sensitiveHostPaths[best]
		if p == s.dir {
			return s.why
		}
		return "inside " + s.dir + " (" + s.why + ")"
	}
	var inside []string
	for _, s := range sensitiveHostPaths {
		if s.dir != "/" && pathWithin(s.dir, p) {
			inside = append(inside, s.dir)
		}
	}
	if len(inside) == 0 {
		return ""
	}
	return "contains " + strings.Join(inside, ", ")
}
