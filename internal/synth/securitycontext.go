package synth

// podSecurityContext writes the pod-level security context of the workload's profile.
func (g *gen) podSecurityContext(ind int, w *workload) {
	switch w.prof {
	case hardened:
		uid := itoa(10000 + g.r.IntN(55000))
		g.d.key(ind, "securityContext")
		g.d.kv(ind+2, "runAsNonRoot", "true")
		g.d.kv(ind+2, "runAsUser", uid)
		if g.chance(0.5) {
			g.d.kv(ind+2, "runAsGroup", uid)
			g.d.kv(ind+2, "fsGroup", uid)
		}
		g.d.key(ind+2, "seccompProfile")
		g.d.kv(ind+4, "type", "RuntimeDefault")
	case typical:
		if g.chance(0.5) {
			g.d.key(ind, "securityContext")
			g.d.kv(ind+2, "runAsNonRoot", "true")
			g.d.kv(ind+2, "fsGroup", itoa(1000+g.r.IntN(2000)))
			if g.chance(0.6) {
				g.d.key(ind+2, "seccompProfile")
				g.d.kv(ind+4, "type", "RuntimeDefault")
			}
		}
	case risky:
		g.riskyPodSecurityContext(ind)
	}
}

// riskyPodSecurityContext writes some of the pod-level settings that weaken isolation, or
// nothing at all, which is risky in its own way.
func (g *gen) riskyPodSecurityContext(ind int) {
	opened := false
	open := func() {
		if !opened {
			g.d.key(ind, "securityContext")
			opened = true
		}
	}
	if g.chance(0.3) {
		open()
		g.d.kv(ind+2, "runAsUser", "0")
	}
	if g.chance(0.2) {
		open()
		g.d.key(ind+2, "seccompProfile")
		g.d.kv(ind+4, "type", "Unconfined")
	}
	if g.chance(0.1) {
		open()
		g.d.key(ind+2, "sysctls")
		g.d.item(ind+2, "name", g.pick([]string{"kernel.msgmax", "net.core.somaxconn", "kernel.shm_rmid_forced"}))
		g.d.kv(ind+4, "value", `"65536"`)
	}
	if g.chance(0.1) {
		open()
		g.d.key(ind+2, "seLinuxOptions")
		g.d.kv(ind+4, "type", "spc_t")
	}
	if g.chance(0.1) {
		open()
		g.d.key(ind+2, "appArmorProfile")
		g.d.kv(ind+4, "type", "Unconfined")
	}
	if g.chance(0.1) {
		open()
		g.d.kv(ind+2, "supplementalGroups", "[0]")
	}
}

var dangerousCaps = []string{"SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "ALL", "NET_RAW", "SYS_MODULE", "DAC_READ_SEARCH"}

func (g *gen) containerSecurityContext(in int, w *workload, role containerRole) {
	switch {
	case w.prof == hardened:
		g.d.key(in, "securityContext")
		g.d.kv(in+2, "allowPrivilegeEscalation", "false")
		g.d.kv(in+2, "readOnlyRootFilesystem", "true")
		g.d.key(in+2, "capabilities")
		g.d.kv(in+4, "drop", "[ALL]")
	case w.prof == typical && role != roleDebug:
		g.typicalSecurityContext(in)
	default:
		g.riskySecurityContext(in, role)
	}
}

func (g *gen) typicalSecurityContext(in int) {
	if g.chance(0.4) {
		return
	}
	g.d.key(in, "securityContext")
	g.d.kv(in+2, "allowPrivilegeEscalation", boolean(!g.chance(0.7)))
	if g.chance(0.4) {
		g.d.kv(in+2, "readOnlyRootFilesystem", "true")
	}
	if g.chance(0.2) {
		g.d.kv(in+2, "runAsUser", itoa(g.pick3(1000, 1001, 65534)))
	}
	switch g.weighted(50, 35, 15) {
	case 1:
		g.d.key(in+2, "capabilities")
		g.d.kv(in+4, "drop", "[ALL]")
	case 2:
		g.d.key(in+2, "capabilities")
		g.d.kv(in+4, "drop", "[ALL]")
		g.d.kv(in+4, "add", "[NET_BIND_SERVICE]")
	}
}

func (g *gen) riskySecurityContext(in int, role containerRole) {
	if role != roleDebug && g.chance(0.2) {
		return
	}
	g.d.key(in, "securityContext")
	privileged := g.chance(0.3) || role == roleDebug && g.chance(0.5)
	if privileged {
		g.d.kv(in+2, "privileged", "true")
	}
	if g.chance(0.5) {
		g.d.kv(in+2, "allowPrivilegeEscalation", "true")
	}
	if g.chance(0.35) {
		g.d.kv(in+2, "runAsUser", "0")
		if g.chance(0.5) {
			g.d.kv(in+2, "runAsGroup", "0")
		}
	} else if g.chance(0.3) {
		g.d.kv(in+2, "runAsUser", itoa(1+g.r.IntN(999)))
	}
	if g.chance(0.4) || !privileged {
		g.d.key(in+2, "capabilities")
		g.d.kv(in+4, "add", "["+g.pick(dangerousCaps)+"]")
	}
	if g.chance(0.05) {
		g.d.kv(in+2, "procMount", "Unmasked")
	}
	if g.chance(0.3) {
		g.d.kv(in+2, "readOnlyRootFilesystem", "false")
	}
}
