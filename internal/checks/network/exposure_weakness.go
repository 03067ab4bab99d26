package network

import (
	"fmt"
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/podspec"
)

// weakness is a high-severity flaw of a pod spec that turns a compromised container into a
// compromised node.
type weakness struct {
	Path *field.Path
	What string
}

// weaknesses lists the node-escape flaws of a pod spec: privileged containers, host
// namespaces, sensitive hostPath volumes and dangerous added capabilities.
func weaknesses(spec *corev1.PodSpec, specPath *field.Path) []weakness {
	var out []weakness
	for _, ns := range []struct {
		on   bool
		name string
		what string
	}{
		{spec.HostNetwork, "hostNetwork", "shares the node's network namespace"},
		{spec.HostPID, "hostPID", "shares the node's process namespace"},
		{spec.HostIPC, "hostIPC", "shares the node's IPC namespace"},
	} {
		if ns.on {
			out = append(out, weakness{specPath.Child(ns.name), "the pod " + ns.what})
		}
	}
	for i, v := range spec.Volumes {
		if v.HostPath != nil && sensitiveHostPath(v.HostPath.Path) {
			out = append(out, weakness{specPath.Child("volumes").Index(i).Child("hostPath", "path"),
				fmt.Sprintf("the pod mounts the node's %s", path.Clean(v.HostPath.Path))})
		}
	}
	for c := range podspec.Containers(spec, specPath) {
		sc := c.Container.SecurityContext
		if sc == nil {
			continue
		}
		if sc.Privileged != nil && *sc.Privileged {
			out = append(out, weakness{c.Path.Child("securityContext", "privileged"), c.String() + " is privileged"})
		}
		if sc.Capabilities == nil {
			continue
		}
		for i, capability := range sc.Capabilities.Add {
			name := strings.TrimPrefix(strings.ToUpper(string(capability)), "CAP_")
			if dangerousCapabilities[name] {
				out = append(out, weakness{c.Path.Child("securityContext", "capabilities", "add").Index(i),
					fmt.Sprintf("%s adds capability %s", c, name)})
			}
		}
	}
	return out
}

// dangerousCapabilities are the capabilities that are known to lead out of a container.
var dangerousCapabilities = map[string]bool{
	"ALL": true, "SYS_ADMIN": true, "NET_ADMIN": true, "SYS_PTRACE": true, "SYS_MODULE": true,
	"BPF": true, "DAC_READ_SEARCH": true, "SYS_RAWIO": true,
}

// hostPathsExact are host directories whose whole tree is sensitive only at the top level
// (their read-only subdirectories such as /etc/ssl/certs are commonly and safely mounted).
var hostPathsExact = map[string]bool{"/": true, "/etc": true, "/var": true, "/var/run": true, "/run": true, "/home": true, "/dev": true, "/boot": true}

// hostPathsTree are host paths sensitive along with everything beneath them.
var hostPathsTree = []string{
	"/proc", "/sys", "/root", "/var/lib/kubelet", "/var/lib/etcd", "/etc/kubernetes", "/var/lib/docker",
	"/var/lib/containerd", "/var/run/docker.sock", "/run/docker.sock", "/var/run/containerd", "/run/containerd",
	"/var/run/crio", "/run/crio", "/var/log",
}

func sensitiveHostPath(p string) bool {
	if p == "" {
		return false
	}
	p = path.Clean(p)
	if hostPathsExact[p] {
		return true
	}
	for _, t := range hostPathsTree {
		if p == t || strings.HasPrefix(p, t+"/") {
			return true
		}
	}
	return false
}
