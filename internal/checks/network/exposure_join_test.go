package network

import "testing"

func TestServiceSelects(t *testing.T) {
	pod := map[string]string{"app": "web", "tier": "frontend", "version": "v2"}
	for _, tc := range []struct {
		name     string
		selector map[string]string
		labels   map[string]string
		want     bool
	}{
		{"nil selector selects nothing", nil, pod, false},
		{"empty selector selects nothing", map[string]string{}, pod, false},
		{"one matching label", map[string]string{"app": "web"}, pod, true},
		{"every label matches", map[string]string{"app": "web", "tier": "frontend"}, pod, true},
		{"one label differs", map[string]string{"app": "web", "tier": "backend"}, pod, false},
		{"one label missing on the pod", map[string]string{"app": "web", "team": "a"}, pod, false},
		{"pod without labels", map[string]string{"app": "web"}, nil, false},
		{"empty value must match an empty value", map[string]string{"canary": ""}, map[string]string{"canary": ""}, true},
		{"empty value does not match absence", map[string]string{"canary": ""}, pod, false},
	} {
		if got := serviceSelects(tc.selector, tc.labels); got != tc.want {
			t.Errorf("%s: serviceSelects(%v, %v) = %v, want %v", tc.name, tc.selector, tc.labels, got, tc.want)
		}
	}
}

func TestSensitiveHostPath(t *testing.T) {
	for p, want := range map[string]bool{
		"/": true, "/etc": true, "/etc/": true, "/var/run/docker.sock": true, "/var/lib/kubelet/pods": true,
		"/proc": true, "/sys/fs/cgroup": true, "/root/.ssh": true, "/run/containerd/containerd.sock": true,
		"/etc/ssl/certs": false, "/data/app": false, "/var/lib/kubeletx": false, "": false, "/mnt/disks/ssd0": false,
	} {
		if got := sensitiveHostPath(p); got != want {
			t.Errorf("sensitiveHostPath(%q) = %v, want %v", p, got, want)
		}
	}
}
