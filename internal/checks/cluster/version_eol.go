package cluster

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// Why: an end-of-life Kubernetes release gets no patches. Every vulnerability found in the
// API server, the controller manager or the scheduler after its end of life stays open, and
// the clients, CSI drivers and add-ons the cluster depends on drop support for it.
func versionEOL(d *vulnData) check.Check {
	return &check.ObjectCheck[*check.ClusterInfo]{
		Meta: check.Meta{
			ID:       "ST-0100",
			Slug:     "control-plane-version-end-of-life",
			Title:    "Control plane runs an end-of-life Kubernetes release",
			Layer:    check.LayerCluster,
			Severity: check.SeverityHigh,
			Description: "The API server reports a Kubernetes minor release whose end of life had passed on the date of " +
				"strata's release dataset. Such a release no longer receives security fixes, so vulnerabilities " +
				"published since stay exploitable. Read from the API server's /version on a live scan, or from a " +
				"recorded ClusterInfo document.",
			Remediation: "Upgrade the control plane one minor release at a time to a supported release, then upgrade the nodes.",
			References: []string{
				"https://kubernetes.io/releases/",
				"https://kubernetes.io/releases/version-skew-policy/",
			},
		},
		Kind: check.ClusterInfoKind,
		Run: func(_ *check.Env, _ *check.Object, ci *check.ClusterInfo) ([]check.Violation, error) {
			db, _, err := d.serverVersion(ci)
			if err != nil {
				return nil, err
			}
			eol, _, known := db.EOL(ci.GitVersion)
			switch {
			case !known:
				return nil, check.NotAssessedf("Kubernetes %s is newer than the release dataset of %s (run 'strata db update' or upgrade strata)",
					ci.GitVersion, db.DateString())
			case !eol:
				return nil, nil
			}
			return []check.Violation{{
				Path:    field.NewPath("gitVersion"),
				Message: eolMessage("the control plane", ci.GitVersion, db),
			}}, nil
		},
	}
}
