package cluster

import (
	"strings"

	"github.com/strata-sec/strata/internal/check"
)

// Why: etcd holds every object of the cluster, Secrets included. An API server that talks to
// it without a client certificate needs an etcd that accepts unauthenticated clients; one that
// does not verify etcd's certificate, or talks plain HTTP, hands the whole cluster to whoever
// sits on the path between them.
var cpAPIServerEtcdTLS = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0115",
		Slug:     "api-server-etcd-connection-insecure",
		Title:    "API server connects to etcd without mutual TLS",
		Layer:    check.LayerCluster,
		Severity: check.SeverityHigh,
		Description: "kube-apiserver lacks --etcd-certfile or --etcd-keyfile, so it does not authenticate to etcd " +
			"with a client certificate (CIS Kubernetes Benchmark 1.2.23), lacks --etcd-cafile, so it does not " +
			"verify etcd's certificate (1.2.26), or names an http:// etcd server in --etcd-servers.",
		Remediation: "Serve etcd over TLS with client certificate authentication and give kube-apiserver --etcd-certfile, --etcd-keyfile and --etcd-cafile, with https:// URLs in --etcd-servers.",
		References: []string{
			"https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, func(c *cpContainer) ([]check.Violation, string) {
			out := c.requireFlags("1.2.23", "the API server does not authenticate to etcd with a client certificate",
				"etcd-certfile", "etcd-keyfile")
			out = append(out, c.requireFlags("1.2.26", "the API server does not verify etcd's certificate", "etcd-cafile")...)
			for _, o := range c.flags.occ["etcd-servers"] {
				for _, u := range splitList(o.value) {
					if strings.HasPrefix(strings.ToLower(u), "http://") {
						out = append(out, c.atItem(o, u,
							"--etcd-servers names "+u+": the cluster's data, Secrets included, travels to etcd unencrypted (CIS 1.2.23)", nil))
					}
				}
			}
			return out, ""
		}, apiServer)
	},
}
