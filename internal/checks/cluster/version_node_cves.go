package cluster

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/vulndb/k8s"
)

var nodeKind = schema.GroupKind{Kind: "Node"}

// Why: the kubelet holds credentials for every pod on its node and runs their volumes and
// probes as root. Kubelet CVEs (gitRepo command execution, subPath symlink escapes, Windows
// privilege escalation) turn a pod creator into the node's owner, and they are fixed only by
// upgrading the kubelet itself, which control-plane upgrades do not do.
func versionNodeCVEs(d *vulnData) check.Check {
	return &check.ObjectCheck[*corev1.Node]{
		Meta: check.Meta{
			ID:       "ST-0102",
			Slug:     "node-version-known-cves",
			Title:    "Node kubelet or kube-proxy version has known CVEs",
			Layer:    check.LayerCluster,
			Severity: check.SeverityHigh,
			Description: "The node's status reports a kubelet (or kube-proxy) version in the affected range of Kubernetes " +
				"CVEs, per strata's curated dataset of the official Kubernetes CVE feed. CVEs that affect only Windows " +
				"nodes are matched only on nodes whose operating system is Windows or unknown. Each violation names " +
				"one CVE, the advisory's own severity and the patch release that fixes it (CVEs no release fixes " +
				"are ST-0104's).",
			Remediation: "Upgrade the node's kubelet and kube-proxy to the fixed patch release, or replace the node or node pool on managed services.",
			References: []string{
				"https://kubernetes.io/docs/reference/issues-security/official-cve-feed/",
				"https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/upgrading-linux-nodes/",
			},
		},
		Kind: nodeKind,
		Run: func(_ *check.Env, _ *check.Object, n *corev1.Node) ([]check.Violation, error) {
			db, err := d.get()
			if err != nil {
				return nil, err
			}
			return nodeCVEs(db, n)
		},
	}
}

// nodeCVEs matches the node's kubelet, and its kube-proxy when it reports a version, against
// the CVEs an upgrade fixes.
func nodeCVEs(db *k8s.DB, n *corev1.Node) ([]check.Violation, error) {
	info := n.Status.NodeInfo
	if info.KubeletVersion == "" {
		return nil, check.NotAssessedf("node %s reports no kubelet version", n.Name)
	}
	kubelet, err := k8s.ParseVersion(info.KubeletVersion)
	if err != nil {
		return nil, check.NotAssessedf("node %s reports kubelet %q, which is not a Kubernetes version", n.Name, info.KubeletVersion)
	}
	base := field.NewPath("status", "nodeInfo")
	out := fixableCVEs(db, "kubelet", nodeOS(n), kubelet, base.Child("kubeletVersion"))
	// kubeProxyVersion is deprecated and often empty or unreliable; it is matched only when it
	// is a version.
	if proxy, err := k8s.ParseVersion(info.KubeProxyVersion); err == nil {
		out = append(out, fixableCVEs(db, "kube-proxy", nodeOS(n), proxy, base.Child("kubeProxyVersion"))...)
	}
	return out, nil
}

// fixableCVEs are the violations for the CVEs of component at v that an upgrade fixes; those
// without a fix are ST-0104's.
func fixableCVEs(db *k8s.DB, component, os string, v k8s.Version, path *field.Path) []check.Violation {
	var out []check.Violation
	for _, vu := range db.MatchVersion(component, os, v) {
		if vu.NoFix {
			continue
		}
		out = append(out, check.Violation{Path: path.Key(vu.ID), Message: cveMessage(component, v.Raw, vu, db)})
	}
	return out
}

// nodeOS is the node's operating system from its status, else its well-known label; empty
// when unknown, which keeps CVEs of every operating system.
func nodeOS(n *corev1.Node) string {
	if os := n.Status.NodeInfo.OperatingSystem; os != "" {
		return os
	}
	return n.Labels[corev1.LabelOSStable]
}
