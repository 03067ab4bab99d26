package workload

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// maxProjectedTokenSeconds is the longest projected token lifetime strata accepts: a day.
const maxProjectedTokenSeconds = 24 * 60 * 60

// Why: a projected service account token is a bearer credential; whoever reads it from the pod
// (a file read, an SSRF to a debug endpoint, a leaked log) can use it until it expires, and
// binding to the pod only ends its validity when the pod is deleted. The kubelet refreshes the
// file at 80% of its lifetime, so a short lifetime costs nothing to a client that re-reads the
// file, while expirationSeconds of days or weeks gives a stolen token days or weeks of use.
// The API server may cap the value (--service-account-max-token-expiration), which a manifest
// does not show, so the requested value is judged. A projection without audience is not
// reported: it targets the API server, exactly like the token Kubernetes itself injects, and
// flagging it would flag every pod.
var longLivedProjectedToken = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0048",
		Slug:     "long-lived-projected-token",
		Title:    "Projected service account token lives longer than a day",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityLow,
		Description: "A projected serviceAccountToken volume source requests expirationSeconds above 86400. " +
			"The kubelet rotates the file well before expiry, so the long lifetime buys nothing for " +
			"the workload, but a token stolen from the pod stays valid for the whole period for " +
			"everything its service account may do.",
		Remediation: "Lower expirationSeconds to 3600 (the default) or at most 86400, and make sure the client re-reads the token file rather than caching it.",
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken",
			"https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#launch-a-pod-using-service-account-token-projection",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var vs []check.Violation
		for i, v := range w.Spec.Volumes {
			if v.Projected == nil {
				continue
			}
			for j, src := range v.Projected.Sources {
				t := src.ServiceAccountToken
				if t == nil || t.ExpirationSeconds == nil || *t.ExpirationSeconds <= maxProjectedTokenSeconds {
					continue
				}
				p := w.Path.Child("volumes").Index(i).Child("projected", "sources").Index(j).Child("serviceAccountToken", "expirationSeconds")
				vs = append(vs, check.Violation{
					Path: p,
					Message: fmt.Sprintf("projected volume %q requests a service account token valid for %s, longer than a day",
						v.Name, tokenLifetime(*t.ExpirationSeconds)),
					Fix: []check.PatchOp{{Op: "replace", Path: check.Pointer(p), Value: 3600}},
				})
			}
		}
		return vs, nil
	},
}

// tokenLifetime renders seconds as the largest whole unit a reader thinks in.
func tokenLifetime(s int64) string {
	switch {
	case s%86400 == 0:
		return fmt.Sprintf("%d days", s/86400)
	case s%3600 == 0:
		return fmt.Sprintf("%d hours", s/3600)
	}
	return fmt.Sprintf("%d seconds", s)
}
