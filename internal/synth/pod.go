package synth

// podSpec writes a pod spec whose fields start at indent ind.
func (g *gen) podSpec(ind int, w *workload) {
	g.serviceAccount(ind, w)
	if w.restart != "" {
		g.d.kv(ind, "restartPolicy", w.restart)
	}
	g.hostNamespaces(ind, w)
	g.podSecurityContext(ind, w)
	if w.kind == "DaemonSet" {
		g.d.key(ind, "tolerations")
		g.d.item(ind, "operator", "Exists")
		g.d.kv(ind+2, "effect", "NoSchedule")
	} else if g.chance(0.2) {
		g.d.key(ind, "nodeSelector")
		g.d.kv(ind+2, "kubernetes.io/os", "linux")
	}
	if g.chance(0.1) {
		g.d.key(ind, "initContainers")
		g.container(ind, w, w.name+"-init", roleInit)
	}
	g.d.key(ind, "containers")
	g.container(ind, w, w.app, roleMain)
	for range g.weighted(85, 12, 3) {
		g.container(ind, w, g.pick(sidecars), roleSidecar)
	}
	if w.kind == "Pod" && w.prof == risky && g.chance(0.25) {
		g.d.key(ind, "ephemeralContainers")
		g.container(ind, w, "debugger", roleDebug)
	}
	g.podVolumes(ind, w)
}

func (g *gen) serviceAccount(ind int, w *workload) {
	switch w.prof {
	case hardened:
		g.d.kv(ind, "serviceAccountName", str(w.app))
		g.d.kv(ind, "automountServiceAccountToken", "false")
	case typical:
		if g.chance(0.5) {
			g.d.kv(ind, "serviceAccountName", str(w.app))
		}
		if g.chance(0.3) {
			g.d.kv(ind, "automountServiceAccountToken", "false")
		}
	case risky:
		if g.chance(0.3) {
			g.d.kv(ind, "serviceAccountName", "default")
		}
	}
}

func (g *gen) hostNamespaces(ind int, w *workload) {
	if w.prof == hardened {
		if g.chance(0.6) {
			g.d.kv(ind, "hostUsers", "false")
		}
		return
	}
	if w.prof == risky {
		hostNet := 0.25
		if w.kind == "DaemonSet" {
			hostNet = 0.6
		}
		if g.chance(hostNet) {
			g.d.kv(ind, "hostNetwork", "true")
			g.d.kv(ind, "dnsPolicy", "ClusterFirstWithHostNet")
		}
		if g.chance(0.15) {
			g.d.kv(ind, "hostPID", "true")
		}
		if g.chance(0.1) {
			g.d.kv(ind, "hostIPC", "true")
		}
	}
	share := 0.05
	if w.prof == risky {
		share = 0.15
	}
	if g.chance(share) {
		g.d.kv(ind, "shareProcessNamespace", "true")
	}
}
