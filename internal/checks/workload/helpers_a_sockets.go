package workload

import (
	"path"
	"slices"
	"strings"
)

// runtimeSockets are where container runtimes listen on a node. Paths under /run are also
// matched under /var/run, which is /run on current distributions and a directory of its own on
// older ones.
var runtimeSockets = []struct{ runtime, path string }{
	{"Docker", "/run/docker.sock"},
	{"containerd", "/run/containerd/containerd.sock"},
	{"containerd", "/run/docker/containerd/containerd.sock"},
	{"containerd", "/run/docker/containerd/docker-containerd.sock"},
	{"containerd", "/run/k3s/containerd/containerd.sock"},
	{"containerd", "/var/snap/microk8s/common/run/containerd.sock"},
	{"CRI-O", "/run/crio/crio.sock"},
	{"dockershim", "/run/dockershim.sock"},
	{"Podman", "/run/podman/podman.sock"},
	{"cri-dockerd", "/run/cri-dockerd.sock"},
}

// runtimeSocketNames maps a socket's file name to its runtime, so a socket at an unusual
// location (rootless Podman under /run/user/<uid>, a custom data root) is still recognised.
var runtimeSocketNames = map[string]string{
	"docker.sock":            "Docker",
	"containerd.sock":        "containerd",
	"docker-containerd.sock": "containerd",
	"crio.sock":              "CRI-O",
	"dockershim.sock":        "dockershim",
	"podman.sock":            "Podman",
	"cri-dockerd.sock":       "cri-dockerd",
}

// socketMatch says how a host path exposes runtime sockets.
type socketMatch struct {
	// Socket is true when the path is a socket itself, false when it is a directory holding
	// sockets.
	Socket bool
	// Runtimes names the runtimes, in runtimeSockets order without repeats.
	Runtimes []string
}

// runtimeSocketsAt reports which runtime sockets the clean host path p exposes; ok is false
// when it exposes none.
func runtimeSocketsAt(p string) (m socketMatch, ok bool) {
	if p == "" {
		return m, false
	}
	if rt, found := runtimeSocketNames[path.Base(p)]; found {
		return socketMatch{Socket: true, Runtimes: []string{rt}}, true
	}
	for _, s := range runtimeSockets {
		for _, sock := range socketSpellings(s.path) {
			if pathWithin(sock, p) && !slices.Contains(m.Runtimes, s.runtime) {
				m.Runtimes = append(m.Runtimes, s.runtime)
			}
		}
	}
	return m, len(m.Runtimes) > 0
}

// socketSpellings returns a socket path under both /run and /var/run when it lives in /run.
func socketSpellings(p string) []string {
	if pathWithin(p, "/run") {
		return []string{p, "/var" + p}
	}
	return []string{p}
}

// runtimeList renders runtime names as "Docker", "Docker and containerd" or
// "Docker, containerd and CRI-O".
func runtimeList(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
