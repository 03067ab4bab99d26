package workload

import (
	"strings"
	"testing"
)

func TestCleanHostPath(t *testing.T) {
	cases := map[string]string{
		"/etc":                          "/etc",
		"/etc/":                         "/etc",
		"//etc//kubernetes/":            "/etc/kubernetes",
		"/etc/./kubernetes":             "/etc/kubernetes",
		"/var/lib/app/../../../etc":     "/etc",
		"/../../etc":                    "/etc",
		"var/log":                       "/var/log",
		" /var/log ":                    "/var/log",
		"/":                             "/",
		"///":                           "/",
		"":                              "",
		"/var/run/docker.sock":          "/var/run/docker.sock",
		"/var/lib/kubelet/pods/../pods": "/var/lib/kubelet/pods",
	}
	for in, want := range cases {
		if got := cleanHostPath(in); got != want {
			t.Errorf("cleanHostPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPathWithin(t *testing.T) {
	cases := []struct {
		p, dir string
		want   bool
	}{
		{"/etc", "/etc", true},
		{"/etc/kubernetes", "/etc", true},
		{"/etc-backups", "/etc", false},
		{"/etcd", "/etc", false},
		{"/anything", "/", true},
		{"/", "/", true},
		{"/var", "/var/log", false},
	}
	for _, c := range cases {
		if got := pathWithin(c.p, c.dir); got != c.want {
			t.Errorf("pathWithin(%q, %q) = %v, want %v", c.p, c.dir, got, c.want)
		}
	}
}

func TestHostPathSensitivity(t *testing.T) {
	cases := []struct {
		path string
		// want is a fragment of the reason; "" means not sensitive.
		want string
	}{
		{"/", "whole host filesystem"},
		{"/etc", "host configuration"},
		{"/etc/kubernetes/pki", "inside /etc ("},
		{"/var/lib/kubelet", "other pods' Secrets"},
		{"/var/lib/kubelet/pods", "inside /var/lib/kubelet ("},
		{"/var/log", "/logs endpoint"},
		{"/var/log/pods", "inside /var/log ("},
		{"/var/run", "sockets"},
		{"/run/containerd", "inside /run ("},
		{"/proc/1/root", "inside /proc ("},
		{"/sys/fs/cgroup", "CVE-2022-0492"},
		{"/dev", "raw host devices"},
		{"/var", "contains /var/lib/kubelet, /var/lib/docker, /var/lib/containerd, /var/lib/etcd, /var/log, /var/run"},
		{"/var/lib", "contains /var/lib/kubelet, /var/lib/docker, /var/lib/containerd, /var/lib/etcd"},
		{"/var/lib/app", ""},
		{"/var/lib/app/data", ""},
		{"/etc-backups", ""},
		{"/data/var/log", ""},
		{"/opt/agent", ""},
		{"/mnt/models", ""},
		{"/tmp", ""},
		{"", ""},
	}
	for _, c := range cases {
		got := hostPathSensitivity(c.path)
		switch {
		case c.want == "" && got != "":
			t.Errorf("hostPathSensitivity(%q) = %q, want not sensitive", c.path, got)
		case c.want != "" && !strings.Contains(got, c.want):
			t.Errorf("hostPathSensitivity(%q) = %q, want it to mention %q", c.path, got, c.want)
		}
	}
}

func TestRuntimeSocketsAt(t *testing.T) {
	cases := []struct {
		path     string
		socket   bool
		runtimes string // "" means no match
	}{
		{"/var/run/docker.sock", true, "Docker"},
		{"/run/docker.sock", true, "Docker"},
		{"/run/containerd/containerd.sock", true, "containerd"},
		{"/run/k3s/containerd/containerd.sock", true, "containerd"},
		{"/var/run/crio/crio.sock", true, "CRI-O"},
		{"/var/run/dockershim.sock", true, "dockershim"},
		{"/run/user/1000/podman/podman.sock", true, "Podman"},
		{"/var/run/cri-dockerd.sock", true, "cri-dockerd"},
		{"/srv/docker/docker.sock", true, "Docker"},
		{"/run/containerd", false, "containerd"},
		{"/var/run/crio", false, "CRI-O"},
		{"/var/run/docker", false, "containerd"},
		{"/run/k3s", false, "containerd"},
		{"/var/snap/microk8s/common/run", false, "containerd"},
		{"/var/run", false, "Docker, containerd, CRI-O, dockershim, Podman and cri-dockerd"},
		{"/run", false, "Docker, containerd, CRI-O, dockershim, Podman and cri-dockerd"},
		{"/var", false, "Docker, containerd, CRI-O, dockershim, Podman and cri-dockerd"},
		{"/", false, "Docker, containerd, CRI-O, dockershim, Podman and cri-dockerd"},
		{"/run/flannel", false, ""},
		{"/var/run/secrets", false, ""},
		{"/srv/queue/docker.sock.d", false, ""},
		{"/var/lib/docker", false, ""},
		{"", false, ""},
	}
	for _, c := range cases {
		m, ok := runtimeSocketsAt(c.path)
		if c.runtimes == "" {
			if ok {
				t.Errorf("runtimeSocketsAt(%q) = %+v, want no match", c.path, m)
			}
			continue
		}
		if !ok || m.Socket != c.socket || runtimeList(m.Runtimes) != c.runtimes {
			t.Errorf("runtimeSocketsAt(%q) = %+v, %v; want socket=%v runtimes %q", c.path, m, ok, c.socket, c.runtimes)
		}
	}
}
