package cluster

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// controlPlaneComponents run at the API server's version in every supported installer and
// managed service, so the API server's version stands for all three.
var controlPlaneComponents = []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler"}

// Why: published Kubernetes CVEs come with proofs of concept within days. A control plane at an
// affected version is exposed to privilege escalation, admission bypass and denial of service
// that the fixed patch release closes.
func versionCVEs(d *vulnData) check.Check {
	return &check.ObjectCheck[*check.ClusterInfo]{
		Meta: check.Meta{
			ID:       "ST-0101",
			Slug:     "control-plane-version-known-cves",
			Title:    "Control plane version has known CVEs",
			Layer:    check.LayerCluster,
			Severity: check.SeverityHigh,
			Description: "The API server's version falls in the affected range of Kubernetes CVEs for kube-apiserver, " +
				"kube-controller-manager or kube-scheduler, per strata's curated dataset of the official Kubernetes " +
				"CVE feed. Each violation names one CVE, the advisory's own severity and the patch release that " +
				"fixes it (CVEs no release fixes are ST-0104's). Vendor builds are matched as the " +
				"upstream release they are built from, with lower confidence, because vendors backport fixes.",
			Remediation: "Upgrade the control plane to the fixed patch release of its minor version, or to a later supported minor release.",
			References: []string{
				"https://kubernetes.io/docs/reference/issues-security/official-cve-feed/",
				"https://kubernetes.io/releases/patch-releases/",
			},
		},
		Kind: check.ClusterInfoKind,
		Run: func(_ *check.Env, _ *check.Object, ci *check.ClusterInfo) ([]check.Violation, error) {
			db, v, err := d.serverVersion(ci)
			if err != nil {
				return nil, err
			}
			var out []check.Violation
			seen := map[string]bool{}
			for _, comp := range controlPlaneComponents {
				for _, vu := range db.MatchVersion(comp, "", v) {
					if vu.NoFix || seen[vu.ID] {
						continue // CVEs without a fix are ST-0104's: no upgrade closes them
					}
					seen[vu.ID] = true
					out = append(out, check.Violation{
						Path:    field.NewPath("gitVersion").Key(vu.ID),
						Message: cveMessage(comp, ci.GitVersion, vu, db),
					})
				}
			}
			return out, nil
		},
	}
}
