package cluster

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// Why: Tiller is Helm v2's in-cluster server. It listens on gRPC port 44134 without any
// authentication by default and executes whatever release it is sent with its own service
// account, which `helm init` setups almost always bound to cluster-admin. Any pod in the
// cluster (and anything that can reach the port) can therefore install a privileged DaemonSet
// and own every node; `helm --host tiller-deploy.kube-system:44134` is a standard step of
// Kubernetes penetration tests. Helm v2 reached end of life in November 2020 and Helm v3 has no
// server component, so every Tiller is both unmaintained and unnecessary. It is recognised by
// image, and by helm init's labels (app=helm, name=tiller) on a container named tiller.
var tillerInstalled = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0162",
		Slug:     "tiller-installed",
		Title:    "Tiller (Helm v2 server) is installed",
		Layer:    check.LayerCluster,
		Severity: check.SeverityCritical,
		Description: "A container runs Tiller, the Helm v2 server. It accepts unauthenticated gRPC commands on port " +
			"44134 and acts with its service account, usually cluster-admin, so any pod that can reach it controls " +
			"the cluster. Helm v2 has been end of life since November 2020.",
		Remediation: "Migrate releases to Helm v3 (helm-2to3), then delete the Tiller Deployment, its Service and its service account binding.",
		References: []string{
			"https://helm.sh/blog/helm-v2-deprecation-timeline/",
			"https://helm.sh/docs/topics/v2_v3_migration/",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var out []check.Violation
		for c := range w.Containers() {
			r, ok := recognise(w.Meta, c)
			if !ok || r.component != &tillerComponent {
				continue
			}
			v := "of unknown version"
			if r.tag != "" {
				v = r.tag
			}
			out = append(out, check.Violation{
				Path:    c.Path.Child("image"),
				Message: fmt.Sprintf("container %q runs Tiller %s: it takes unauthenticated commands on port 44134 and acts with its service account's permissions", c.Container.Name, v),
			})
		}
		return out, nil
	},
}
