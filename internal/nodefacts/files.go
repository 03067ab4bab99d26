package nodefacts

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// Fixed files of the CIS Kubernetes Benchmark (control plane 1.1.x, worker 4.1.x) at their
// kubeadm locations. Each is recorded whether or not it exists.
var cisFiles = []struct{ path, role string }{
	{manifestDir + "/kube-apiserver.yaml", RoleAPIServerManifest},                  // 1.1.1-2
	{manifestDir + "/kube-controller-manager.yaml", RoleControllerManagerManifest}, // 1.1.3-4
	{manifestDir + "/kube-scheduler.yaml", RoleSchedulerManifest},                  // 1.1.5-6
	{manifestDir + "/etcd.yaml", RoleEtcdManifest},                                 // 1.1.7-8
	{"/etc/kubernetes/admin.conf", RoleAdminKubeconfig},                            // 1.1.13-14
	{"/etc/kubernetes/super-admin.conf", RoleSuperAdminKubeconfig},                 // 1.1.13-14
	{"/etc/kubernetes/scheduler.conf", RoleSchedulerKubeconfig},                    // 1.1.15-16
	{"/etc/kubernetes/controller-manager.conf", RoleControllerManagerKubeconfig},   // 1.1.17-18
	{"/etc/kubernetes/pki", RolePKIDir},                                            // 1.1.19
}

// Kubelet service files, first existing one wins (4.1.1-2).
var kubeletServicePaths = []string{
	"/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
	"/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
	"/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
	"/etc/systemd/system/kubelet.service",
	"/usr/lib/systemd/system/kubelet.service",
	"/lib/systemd/system/kubelet.service",
}

const (
	cniDir         = "/etc/cni/net.d"
	pkiDir         = "/etc/kubernetes/pki"
	defaultEtcdDir = "/var/lib/etcd"
)

// files stats every file the benchmark names.
func (c *collector) files() {
	for _, cf := range cisFiles {
		c.addFile(cf.path, cf.role)
	}
	c.addFile(firstExisting(c, kubeletServicePaths), RoleKubeletService)
	c.addFile(orDefault(c.f.Kubelet.KubeconfigPath, defaultKubeletKubeconfig), RoleKubeletKubeconfig) // 4.1.5-6
	c.addFile(orDefault(c.f.Kubelet.ConfigPath, kubeletConfigPaths[0]), RoleKubeletConfig)            // 4.1.9-10
	if ca := c.clientCAFile(); ca != "" {
		c.addFile(ca, RoleCAFile) // 4.1.7-8
	}
	c.addFile(c.etcdDataDir(), RoleEtcdDataDir)                        // 1.1.11-12
	c.addTree(cniDir, func(string) string { return RoleCNIConfig }, 1) // 1.1.9-10
	c.addTree(pkiDir, pkiRole, 3)                                      // 1.1.19-21
}

func firstExisting(c *collector, paths []string) string {
	for _, p := range paths {
		if c.exists(p) {
			return p
		}
	}
	return paths[0]
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// clientCAFile is the kubelet's client CA: --client-ca-file, else the config's
// authentication.x509.clientCAFile.
func (c *collector) clientCAFile() string {
	if v := c.f.Kubelet.Flags["client-ca-file"]; v != "" {
		return v
	}
	s, _ := lookupString(c.f.Kubelet.Config, "authentication", "x509", "clientCAFile")
	return s
}

// etcdDataDir is etcd's --data-dir, else the kubeadm default.
func (c *collector) etcdDataDir() string {
	if comp, ok := c.f.ControlPlane.Components[Etcd]; ok && comp.Flags["data-dir"] != "" {
		return comp.Flags["data-dir"]
	}
	return defaultEtcdDir
}

func pkiRole(p string) string {
	switch {
	case strings.HasSuffix(p, ".key"):
		return RolePKIKey
	case strings.HasSuffix(p, ".crt"), strings.HasSuffix(p, ".pem"):
		return RolePKICert
	}
	return ""
}

// addTree records the regular files under dir (to depth levels) whose role is not "".
func (c *collector) addTree(dir string, role func(string) string, depth int) {
	if depth == 0 {
		return
	}
	entries, err := c.fs.readDir(dir)
	c.fail(err)
	for _, e := range entries {
		p := dir + "/" + e.Name()
		if e.IsDir() {
			c.addTree(p, role, depth-1)
			continue
		}
		if r := role(p); r != "" {
			c.addFile(p, r)
		}
	}
}

// addFile appends the stat of a node path with its role.
func (c *collector) addFile(p, role string) {
	c.f.Files = append(c.f.Files, c.stat(p, role))
}

// stat describes a node path without following a final symlink.
func (c *collector) stat(p, role string) File {
	f := File{Path: path.Clean(p), Role: role}
	fi, err := c.fs.lstat(p)
	if err != nil {
		if !isMissing(err) {
			c.fail(fmt.Errorf("stat %s: %w", p, err))
		}
		return f
	}
	f.Exists = true
	f.IsDir = fi.IsDir()
	f.IsSymlink = fi.Mode()&fs.ModeSymlink != 0
	f.IsSocket = fi.Mode()&fs.ModeSocket != 0
	f.ModeBits = uint32(fi.Mode().Perm())
	f.Mode = fmt.Sprintf("%04o", f.ModeBits)
	if uid, gid, ok := owner(fi); ok {
		f.UID, f.GID = uid, gid
		f.Owner, f.Group = c.uids[uid], c.gids[gid]
	}
	return f
}

// users loads the root's /etc/passwd and /etc/group name tables.
func (c *collector) users() {
	c.uids = c.idNames("/etc/passwd")
	c.gids = c.idNames("/etc/group")
}

// idNames parses name:x:id:... lines; the first name of an id wins.
func (c *collector) idNames(p string) map[int]string {
	b, _, err := c.fs.read(p, maxConfigFile)
	c.fail(err)
	m := map[int]string{}
	for _, line := range strings.Split(string(b), "\n") {
		fields := strings.Split(line, ":")
		if len(fields) < 3 || fields[0] == "" || strings.HasPrefix(fields[0], "#") {
			continue
		}
		id, err := strconv.Atoi(fields[2])
		if err != nil {
			continue
		}
		if _, dup := m[id]; !dup {
			m[id] = fields[0]
		}
	}
	return m
}

// lookupString walks nested maps by keys and returns a string leaf.
func lookupString(m map[string]any, keys ...string) (string, bool) {
	var cur any = m
	for _, k := range keys {
		mm, ok := cur.(map[string]any)
		if !ok {
			return "", false
		}
		cur = mm[k]
	}
	s, ok := cur.(string)
	return s, ok
}
