package synth

import "strings"

// volume is a pod volume and where the main container mounts it.
type volume struct {
	name, mountPath string
	readOnly        bool
	// write emits the volume's source fields below "- name: ...", at indent ind.
	write func(d *doc, ind int)
}

// hostPaths are the host directories and sockets workloads mount, from the everyday to the
// catastrophic.
var hostPaths = []struct{ path, typ string }{
	{"/var/log", "Directory"}, {"/var/run/docker.sock", "Socket"}, {"/run/containerd/containerd.sock", "Socket"},
	{"/", "Directory"}, {"/etc", ""}, {"/proc", ""}, {"/var/lib/kubelet", "Directory"}, {"/dev", ""},
	{"/sys", ""}, {"/data", "DirectoryOrCreate"},
}

func (g *gen) volumes(w *workload) []volume {
	var vs []volume
	if g.chance(0.4) {
		cm := w.app + "-config"
		vs = append(vs, volume{"config", "/etc/" + w.app, true, func(d *doc, ind int) {
			d.key(ind, "configMap")
			d.kv(ind+2, "name", str(cm))
		}})
	}
	if g.chance(0.25) {
		sec := w.app + g.pick([]string{"-tls", "-credentials", "-db"})
		vs = append(vs, volume{"credentials", "/var/run/secrets/" + w.app, true, func(d *doc, ind int) {
			d.key(ind, "secret")
			d.kv(ind+2, "secretName", str(sec))
			d.kv(ind+2, "defaultMode", "0400")
		}})
	}
	if w.prof == hardened || g.chance(0.3) {
		vs = append(vs, g.emptyDir(w))
	}
	if g.chance(0.15) {
		vs = append(vs, g.projectedToken(w))
	}
	if w.prof != hardened {
		vs = append(vs, g.hostPathVolumes(w)...)
	}
	if w.kind == "Deployment" && g.chance(0.1) {
		claim := w.app + "-shared"
		vs = append(vs, volume{"shared", "/srv/shared", false, func(d *doc, ind int) {
			d.key(ind, "persistentVolumeClaim")
			d.kv(ind+2, "claimName", str(claim))
		}})
	}
	if w.prof == risky && g.chance(0.03) {
		repo := "https://git.example.com/" + w.team + "/" + w.app + "-scripts.git"
		vs = append(vs, volume{"scripts", "/opt/scripts", false, func(d *doc, ind int) {
			d.key(ind, "gitRepo")
			d.kv(ind+2, "repository", str(repo))
			d.kv(ind+2, "revision", "main")
		}})
	}
	return vs
}

func (g *gen) emptyDir(w *workload) volume {
	sized := w.prof == hardened || g.chance(0.5)
	size := g.pick([]string{"64Mi", "256Mi", "1Gi"})
	memory := g.chance(0.15)
	return volume{"tmp", "/tmp", false, func(d *doc, ind int) {
		if !sized && !memory {
			d.kv(ind, "emptyDir", "{}")
			return
		}
		d.key(ind, "emptyDir")
		if memory {
			d.kv(ind+2, "medium", "Memory")
		}
		if sized {
			d.kv(ind+2, "sizeLimit", size)
		}
	}}
}

func (g *gen) projectedToken(w *workload) volume {
	expiry := itoa(g.pick3(3600, 7200, 86400))
	if w.prof == risky && g.chance(0.5) {
		expiry = "31536000"
	}
	return volume{"vault-token", "/var/run/secrets/vault", true, func(d *doc, ind int) {
		d.key(ind, "projected")
		d.key(ind+2, "sources")
		d.itemKey(ind+2, "serviceAccountToken")
		d.kv(ind+6, "audience", "vault")
		d.kv(ind+6, "expirationSeconds", expiry)
		d.kv(ind+6, "path", "token")
	}}
}

func (g *gen) pick3(a, b, c int) int { return []int{a, b, c}[g.r.IntN(3)] }

func (g *gen) hostPathVolumes(w *workload) []volume {
	p := 0.05
	switch {
	case w.kind == "DaemonSet":
		p = 0.7
	case w.prof == risky:
		p = 0.4
	}
	if !g.chance(p) {
		return nil
	}
	hp := hostPaths[0]
	if w.prof == risky {
		hp = hostPaths[g.r.IntN(len(hostPaths))]
	}
	readOnly := w.prof == typical || g.chance(0.3)
	name := "host" + strings.NewReplacer("/", "-", ".", "-").Replace(strings.TrimSuffix(hp.path, "/"))
	if hp.path == "/" {
		name = "host-root"
	}
	return []volume{{name, "/host" + strings.TrimSuffix(hp.path, "/"), readOnly, func(d *doc, ind int) {
		d.key(ind, "hostPath")
		d.kv(ind+2, "path", str(hp.path))
		if hp.typ != "" {
			d.kv(ind+2, "type", hp.typ)
		}
	}}}
}

func (g *gen) podVolumes(ind int, w *workload) {
	if len(w.volumes) == 0 {
		return
	}
	g.d.key(ind, "volumes")
	for _, v := range w.volumes {
		g.d.item(ind, "name", str(v.name))
		v.write(&g.d, ind+2)
	}
}
