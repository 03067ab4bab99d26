package cluster

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/vulndb/k8s"
)

// Why: kubelets are upgraded separately from the control plane, node pool by node pool, and
// are often forgotten. An end-of-life kubelet keeps every kubelet CVE published since open on
// its node; one outside the version skew policy is untested against the API server, and
// upgrading the control plane further breaks it.
func versionNodeSkew(d *vulnData) check.Check {
	return &check.ClusterCheck{
		Meta: check.Meta{
			ID:       "ST-0103",
			Slug:     "node-version-end-of-life-or-skew",
			Title:    "Node kubelet is end of life or outside the version skew policy",
			Layer:    check.LayerCluster,
			Severity: check.SeverityMedium,
			Description: "A node's kubelet runs a Kubernetes release that was past its end of life on the date of strata's " +
				"release dataset, or, when the API server's version is known, a kubelet newer than the API server or " +
				"older than the version skew policy allows (three minor releases from 1.28, two before).",
			Remediation: "Upgrade the node's kubelet (or replace the node pool) to the control plane's minor release, and keep nodes within the supported skew during upgrades.",
			References: []string{
				"https://kubernetes.io/releases/version-skew-policy/#kubelet",
				"https://kubernetes.io/releases/",
			},
		},
		Reads: []schema.GroupKind{nodeKind, check.ClusterInfoKind},
		Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
			db, err := d.get()
			if err != nil {
				return nil, err
			}
			nodes := inv.List(nodeKind, "")
			if len(nodes) == 0 {
				return nil, check.NotAssessedf("no Node in the input")
			}
			api := apiServerVersion(inv)
			var out []check.ObjectViolation
			assessed := 0
			for _, o := range nodes {
				n, ok := o.Obj.(*corev1.Node)
				if !ok {
					continue
				}
				kubelet, err := k8s.ParseVersion(n.Status.NodeInfo.KubeletVersion)
				if err != nil {
					continue
				}
				assessed++
				for _, v := range nodeVersionViolations(n, kubelet, api, db) {
					out = append(out, check.ObjectViolation{Object: o, Violation: v})
				}
			}
			if assessed == 0 {
				return nil, check.NotAssessedf("no Node reports a kubelet version")
			}
			return out, nil
		},
	}
}

// apiServerVersion returns the API server's version from the inventory's ClusterInfo, or nil.
func apiServerVersion(inv check.Inventory) *k8s.Version {
	for _, o := range inv.List(check.ClusterInfoKind, "") {
		ci, ok := o.Obj.(*check.ClusterInfo)
		if !ok {
			continue
		}
		if v, err := k8s.ParseVersion(ci.GitVersion); err == nil {
			return &v
		}
	}
	return nil
}

func nodeVersionViolations(n *corev1.Node, kubelet k8s.Version, api *k8s.Version, db *k8s.DB) []check.Violation {
	raw := n.Status.NodeInfo.KubeletVersion
	path := field.NewPath("status", "nodeInfo", "kubeletVersion")
	var out []check.Violation
	if eol, _, known := db.EOL(raw); known && eol {
		out = append(out, check.Violation{
			Path:    path.Key("end-of-life"),
			Message: eolMessage("the kubelet of node "+n.Name, raw, db),
		})
	}
	if api == nil {
		return out
	}
	if msg := skewProblem(kubelet, *api); msg != "" {
		out = append(out, check.Violation{
			Path: path.Key("version-skew"),
			Message: fmt.Sprintf("the kubelet of node %s runs %s and the API server %s: %s (dataset of %s)",
				n.Name, raw, api.Raw, msg, db.DateString()),
		})
	}
	return out
}

// skewProblem applies the kubelet rules of the version skew policy; "" when within them.
func skewProblem(kubelet, api k8s.Version) string {
	km, kn, err1 := majorMinor(kubelet)
	am, an, err2 := majorMinor(api)
	if err1 != nil || err2 != nil {
		return ""
	}
	if km != am {
		return "a kubelet of another major version is not supported"
	}
	allowed := 2
	if an >= 28 {
		allowed = 3
	}
	switch {
	case kn > an:
		return "the kubelet must not be newer than the API server"
	case an-kn > allowed:
		return fmt.Sprintf("it is %d minor releases older, and the skew policy allows %d", an-kn, allowed)
	}
	return ""
}

func majorMinor(v k8s.Version) (major, minor int, err error) {
	_, err = fmt.Sscanf(v.Minor(), "%d.%d", &major, &minor)
	return major, minor, err
}
