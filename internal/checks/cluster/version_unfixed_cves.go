package cluster

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/vulndb/k8s"
)

// Why: some Kubernetes CVEs are design issues that no release fixes (man in the middle through
// Service externalIPs, gitRepo volumes reading other pods' repositories). Upgrading does not
// close them; only the mitigation each advisory describes does, and nothing in the version
// says whether it is in place.
func versionUnfixedCVEs(d *vulnData) check.Check {
	return &check.ObjectCheck[*check.ClusterInfo]{
		Meta: check.Meta{
			ID:       "ST-0104",
			Slug:     "kubernetes-cves-without-fix",
			Title:    "Kubernetes CVEs without a fix need their mitigations",
			Layer:    check.LayerCluster,
			Severity: check.SeverityLow,
			Description: "The cluster's Kubernetes version is affected by CVEs for which no release has a fix, per " +
				"strata's curated dataset of the official Kubernetes CVE feed. Each violation names one CVE, the " +
				"advisory's own severity and the mitigation it requires. strata cannot see from the version whether " +
				"a mitigation is in place, so the check keeps failing until it is exempted with the mitigation as " +
				"the reason.",
			Remediation: "Apply the mitigation each advisory describes, then exempt this check for the cluster with the mitigation as the reason.",
			References: []string{
				"https://kubernetes.io/docs/reference/issues-security/official-cve-feed/",
				"https://github.com/kubernetes/kubernetes/issues/97076",
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
			for _, comp := range k8s.Components {
				for _, vu := range db.MatchVersion(comp, "", v) {
					if !vu.NoFix || seen[vu.ID] {
						continue
					}
					seen[vu.ID] = true
					out = append(out, check.Violation{
						Path: field.NewPath("gitVersion").Key(vu.ID),
						Message: fmt.Sprintf("%s in Kubernetes %s is affected by %s (%s, CVSS %.1f): %s; no release fixes it, mitigation required: %s (%s; dataset of %s)",
							comp, ci.GitVersion, vu.ID, vu.Severity, vu.CVSS, vu.Title, vu.Mitigation, vu.URL, db.DateString()),
					})
				}
			}
			return out, nil
		},
	}
}
