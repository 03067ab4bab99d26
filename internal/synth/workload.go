package synth

import "fmt"

// profile is how carefully a workload was written.
type profile int

const (
	// hardened follows the restricted Pod Security Standard and pins images by digest.
	hardened profile = iota
	// typical is what most teams ship: some settings right, many defaults left alone.
	typical
	// risky carries one or more of the gaps attackers look for.
	risky
)

// workload is what one generated object decided before its YAML is written.
type workload struct {
	kind, name, app, team, ns string
	prof                      profile
	// restart is the pod restartPolicy; empty leaves the kind's default.
	restart string
	volumes []volume
}

// The kinds in the mix, in proportions seen in typical clusters: Deployments dominate.
var workloadKinds = []struct {
	kind   string
	weight int
}{
	{"Deployment", 45}, {"StatefulSet", 10}, {"DaemonSet", 8}, {"Job", 10}, {"CronJob", 12}, {"Pod", 15},
}

func (g *gen) workload(i int) {
	weights := make([]int, len(workloadKinds))
	for k, wk := range workloadKinds {
		weights[k] = wk.weight
	}
	team := g.pick(teams)
	w := &workload{
		kind: workloadKinds[g.weighted(weights...)].kind,
		team: team,
		app:  team + "-" + g.pick(roles),
		ns:   g.namespace(team),
		prof: profile(g.weighted(35, 45, 20)),
	}
	w.name = fmt.Sprintf("%s-%04d", w.app, i)
	switch w.kind {
	case "DaemonSet":
		// Node agents often live in shared system namespaces.
		if g.chance(0.4) {
			w.ns = g.pick([]string{"kube-system", "monitoring", "logging"})
		}
	case "Pod":
		if w.prof == risky && g.chance(0.3) {
			w.ns = "default"
		}
	}
	w.volumes = g.volumes(w)
	switch w.kind {
	case "Deployment":
		g.deployment(w)
	case "StatefulSet":
		g.statefulSet(w)
	case "DaemonSet":
		g.daemonSet(w)
	case "Job":
		g.job(w)
	case "CronJob":
		g.cronJob(w)
	default:
		g.pod(w)
	}
}

func (w *workload) labels() [][2]string {
	return [][2]string{{"app.kubernetes.io/name", w.app}, {"app.kubernetes.io/part-of", w.team}}
}

func (g *gen) header(apiVersion string, w *workload) {
	g.d.kv(0, "apiVersion", apiVersion)
	g.d.kv(0, "kind", w.kind)
	g.metadata(w.name, w.ns, w.labels())
}

// selector writes a label selector and a pod template whose spec starts at ind+4.
func (g *gen) selectorAndTemplate(ind int, w *workload) {
	g.d.key(ind, "selector")
	g.d.key(ind+2, "matchLabels")
	g.d.kv(ind+4, "app.kubernetes.io/instance", str(w.name))
	g.template(ind, w)
}

func (g *gen) template(ind int, w *workload) {
	g.d.key(ind, "template")
	g.d.key(ind+2, "metadata")
	g.d.key(ind+4, "labels")
	g.d.kv(ind+6, "app.kubernetes.io/instance", str(w.name))
	if w.prof != hardened && g.chance(0.15) {
		g.d.key(ind+4, "annotations")
		g.d.kv(ind+6, "prometheus.io/scrape", `"true"`)
		g.d.kv(ind+6, "prometheus.io/port", `"9090"`)
	}
	g.d.key(ind+2, "spec")
	g.podSpec(ind+4, w)
}

func (g *gen) deployment(w *workload) {
	g.header("apps/v1", w)
	g.d.key(0, "spec")
	g.d.kv(2, "replicas", itoa(1+g.r.IntN(6)))
	g.selectorAndTemplate(2, w)
}

func (g *gen) statefulSet(w *workload) {
	g.header("apps/v1", w)
	g.d.key(0, "spec")
	g.d.kv(2, "serviceName", str(w.name))
	g.d.kv(2, "replicas", itoa(1+2*g.r.IntN(3)))
	g.selectorAndTemplate(2, w)
	g.d.key(2, "volumeClaimTemplates")
	g.d.itemKey(2, "metadata")
	g.d.kv(6, "name", "data")
	g.d.key(4, "spec")
	g.d.kv(6, "accessModes", "[ReadWriteOnce]")
	if g.chance(0.6) {
		g.d.kv(6, "storageClassName", str(g.pick([]string{"standard", "gp3", "premium-rwo", "fast-ssd"})))
	}
	g.d.key(6, "resources")
	g.d.key(8, "requests")
	g.d.kv(10, "storage", g.pick([]string{"1Gi", "10Gi", "20Gi", "50Gi", "100Gi"}))
}

func (g *gen) daemonSet(w *workload) {
	g.header("apps/v1", w)
	g.d.key(0, "spec")
	if g.chance(0.5) {
		g.d.key(2, "updateStrategy")
		g.d.kv(4, "type", "RollingUpdate")
		g.d.key(4, "rollingUpdate")
		g.d.kv(6, "maxUnavailable", itoa(1))
	}
	g.selectorAndTemplate(2, w)
}

func (g *gen) job(w *workload) {
	w.restart = g.pick([]string{"Never", "OnFailure"})
	g.header("batch/v1", w)
	g.d.key(0, "spec")
	g.d.kv(2, "backoffLimit", itoa(g.r.IntN(7)))
	if g.chance(0.5) {
		g.d.kv(2, "ttlSecondsAfterFinished", itoa(3600*(1+g.r.IntN(48))))
	}
	g.template(2, w)
}

var schedules = []string{"0 2 * * *", "*/15 * * * *", "30 4 * * 0", "0 * * * *", "5 1 1 * *", "*/5 * * * *"}

func (g *gen) cronJob(w *workload) {
	w.restart = g.pick([]string{"Never", "OnFailure"})
	g.header("batch/v1", w)
	g.d.key(0, "spec")
	g.d.kv(2, "schedule", str(g.pick(schedules)))
	g.d.kv(2, "concurrencyPolicy", g.pick([]string{"Forbid", "Replace", "Allow"}))
	if g.chance(0.5) {
		g.d.kv(2, "successfulJobsHistoryLimit", itoa(1+g.r.IntN(3)))
		g.d.kv(2, "failedJobsHistoryLimit", itoa(1+g.r.IntN(3)))
	}
	g.d.key(2, "jobTemplate")
	g.d.key(4, "spec")
	g.d.kv(6, "backoffLimit", itoa(g.r.IntN(4)))
	g.template(6, w)
}

func (g *gen) pod(w *workload) {
	w.restart = g.pick([]string{"Always", "Never", "OnFailure"})
	g.header("v1", w)
	g.d.key(0, "spec")
	g.podSpec(2, w)
}
