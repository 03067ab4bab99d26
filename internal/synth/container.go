package synth

import "fmt"

// containerRole says what a container is for, which shapes its image, ports and settings.
type containerRole int

const (
	roleMain containerRole = iota
	roleSidecar
	roleInit
	roleDebug
)

var sidecars = []string{"log-shipper", "envoy", "metrics-exporter", "config-reloader", "cloudsql-proxy", "vault-agent"}

var publicImages = []string{"nginx", "redis", "postgres", "busybox", "alpine", "python", "node", "ubuntu",
	"bitnami/kubectl", "curlimages/curl", "nicolaka/netshoot", "fluent/fluent-bit"}

var registries = []string{"registry.example.com/", "ghcr.io/example-org/", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/"}

// container writes one container as a sequence item at indent ind; its fields are at ind+2.
func (g *gen) container(ind int, w *workload, name string, role containerRole) {
	in := ind + 2
	g.d.item(ind, "name", str(name))
	g.d.kv(in, "image", str(g.image(w, name, role)))
	g.pullPolicy(in, w)
	switch role {
	case roleDebug:
		g.d.kv(in, "targetContainerName", str(w.app))
		g.d.kv(in, "stdin", "true")
		g.d.kv(in, "tty", "true")
		g.containerSecurityContext(in, w, role)
		return
	case roleInit:
		g.d.kv(in, "command", `["sh", "-c", "until nc -z db 5432; do sleep 2; done"]`)
	case roleMain:
		g.ports(in, w)
		g.env(in, w)
	case roleSidecar:
		if g.chance(0.4) {
			g.d.kv(in, "args", fmt.Sprintf(`["--port=%d", "--log-format=json"]`, 9000+g.r.IntN(1000)))
		}
	}
	g.resources(in, w)
	g.containerSecurityContext(in, w, role)
	g.mounts(in, w, role)
	if role == roleMain && w.prof != risky && w.kind != "Job" && w.kind != "CronJob" && g.chance(0.6) {
		g.probe(in, "readinessProbe", "/ready")
	}
	if role == roleMain && w.prof == risky && g.chance(0.05) {
		g.d.kv(in, "stdin", "true")
		g.d.kv(in, "tty", "true")
	}
}

func (g *gen) image(w *workload, name string, role containerRole) string {
	repo := w.team + "/" + name
	version := fmt.Sprintf("%d.%d.%d", 1+g.r.IntN(4), g.r.IntN(30), g.r.IntN(12))
	if role == roleDebug || role == roleInit && w.prof != hardened {
		return g.pick(publicImages) + g.pick([]string{"", ":latest", ":1.36"})
	}
	switch w.prof {
	case hardened:
		if g.chance(0.5) {
			return "registry.example.com/" + repo + "@" + g.digest()
		}
		return "registry.example.com/" + repo + ":" + version + "@" + g.digest()
	case typical:
		switch g.weighted(80, 10, 10) {
		case 0:
			return g.pick(registries) + repo + ":" + version
		case 1:
			return g.pick(registries) + repo + ":latest"
		default:
			return g.pick(registries) + repo
		}
	default:
		if g.chance(0.3) {
			return g.pick(registries) + repo + ":" + version
		}
		return g.pick(publicImages) + g.pick([]string{"", ":latest", ":" + version, ":stable"})
	}
}

func (g *gen) pullPolicy(in int, w *workload) {
	var p string
	switch w.prof {
	case hardened:
		p = g.pick([]string{"", "IfNotPresent"})
	case typical:
		p = g.pick([]string{"", "Always", "IfNotPresent"})
	default:
		p = g.pick([]string{"", "", "Never", "Always"})
	}
	if p != "" {
		g.d.kv(in, "imagePullPolicy", p)
	}
}

func (g *gen) ports(in int, w *workload) {
	if w.kind == "Job" || w.kind == "CronJob" {
		return
	}
	g.d.key(in, "ports")
	g.d.item(in, "name", "http")
	g.d.kv(in+2, "containerPort", "8080")
	if w.prof == risky && g.chance(0.15) {
		g.d.kv(in+2, "hostPort", itoa(g.pick3(80, 443, 8080)))
	}
	if g.chance(0.15) {
		g.d.item(in, "name", "metrics")
		g.d.kv(in+2, "containerPort", "9090")
	}
}

func (g *gen) probe(in int, name, path string) {
	g.d.key(in, name)
	g.d.key(in+2, "httpGet")
	g.d.kv(in+4, "path", path)
	g.d.kv(in+4, "port", "http")
}

func (g *gen) resources(in int, w *workload) {
	shape := 3 // none
	switch w.prof {
	case hardened:
		shape = 0
	case typical:
		shape = g.weighted(45, 30, 10, 15)
	case risky:
		shape = 1 + 2*g.weighted(40, 60)
	}
	if shape == 3 {
		return
	}
	// Quantities are written plain, as people write them; none of them needs quoting.
	cpu := g.pick([]string{"50m", "100m", "250m", "500m", "1"})
	mem := g.pick([]string{"64Mi", "128Mi", "256Mi", "512Mi", "1Gi", "2Gi"})
	g.d.key(in, "resources")
	if shape != 2 {
		g.d.key(in+2, "requests")
		g.d.kv(in+4, "cpu", cpu)
		g.d.kv(in+4, "memory", mem)
	}
	if shape == 0 || shape == 2 {
		g.d.key(in+2, "limits")
		if shape == 0 {
			g.d.kv(in+4, "cpu", cpu)
		}
		g.d.kv(in+4, "memory", mem)
	}
}

func (g *gen) mounts(in int, w *workload, role containerRole) {
	var names, paths []string
	var readOnly []bool
	if role == roleMain && w.kind == "StatefulSet" {
		names, paths, readOnly = append(names, "data"), append(paths, "/var/lib/"+w.app), append(readOnly, false)
	}
	for _, v := range w.volumes {
		switch {
		case role == roleMain,
			role == roleSidecar && (v.name == "tmp" || g.chance(0.2)),
			role == roleInit && v.name == "config":
			names, paths, readOnly = append(names, v.name), append(paths, v.mountPath), append(readOnly, v.readOnly)
		}
	}
	if len(names) == 0 {
		return
	}
	g.d.key(in, "volumeMounts")
	for i := range names {
		g.d.item(in, "name", str(names[i]))
		g.d.kv(in+2, "mountPath", str(paths[i]))
		if readOnly[i] {
			g.d.kv(in+2, "readOnly", "true")
		}
	}
}
