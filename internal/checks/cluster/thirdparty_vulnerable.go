package cluster

import (
	"fmt"
	"strings"

	"github.com/strata-sec/strata/internal/check"
)

// Why: a handful of third-party components run with cluster-wide power — an ingress controller
// that can read every Secret, a GitOps engine that can create anything, dashboards with
// cluster-reading service accounts — and their published vulnerabilities hand that power to
// whoever can reach them. IngressNightmare (CVE-2025-1974) let any pod on the pod network
// execute code in ingress-nginx's controller through its admission webhook and read every
// Secret in the cluster; CVE-2021-43798 let anyone read files from Grafana without logging in
// and was exploited as a zero-day. Versions come from image tags and are compared with
// k8s.io/apimachinery's semantic versions against a small dataset with its sources and review
// date (thirdparty_data.go). A tag is a claim: a rebuilt image with a backported fix keeps the
// old tag and should be exempted with a reason, and a digest-only reference names no version
// and is not assessed. The severity is that of the worst entries; each message gives every
// CVE's own.
var vulnerableThirdParty = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0160",
		Slug:     "vulnerable-third-party-component",
		Title:    "Third-party component with known vulnerabilities",
		Layer:    check.LayerCluster,
		Severity: check.SeverityCritical,
		Description: "A container runs a version of a cluster component (ingress-nginx, Kubernetes Dashboard, Argo CD, " +
			"Grafana) with published vulnerabilities that give an attacker code execution, Secrets or cluster " +
			"privileges. The version is read from the image tag and matched against strata's dataset.",
		Remediation: "Upgrade the component to a fixed release (the message names it for each CVE), or apply the vendor's mitigation until you can.",
		References: []string{
			"https://kubernetes.io/blog/2025/03/24/ingress-nginx-cve-2025-1974/",
			"https://github.com/grafana/grafana/security/advisories/GHSA-8pjx-jj86-j47p",
			"https://github.com/argoproj/argo-cd/security/advisories/GHSA-9766-5277-j5hr",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var out []check.Violation
		for c := range w.Containers() {
			r, ok := recognise(w.Meta, c)
			if !ok || r.version == nil || len(r.component.vulns) == 0 {
				continue
			}
			hits, err := r.component.affects(r.version)
			if err != nil {
				return out, err
			}
			if len(hits) == 0 {
				continue
			}
			out = append(out, check.Violation{Path: c.Path.Child("image"), Message: vulnMessage(r, hits)})
		}
		return out, nil
	},
}

// vulnMessage names the component, the version, each CVE with its severity and fix, any note,
// and the dataset date.
func vulnMessage(r recognisedComponent, hits []componentHit) string {
	parts := make([]string, len(hits))
	for i, h := range hits {
		fix := "no fixed release in this line"
		if h.fixed != "" {
			fix = "fixed in " + h.fixed
		}
		parts[i] = fmt.Sprintf("%s (%s, %s; %s)", h.id, h.severity, h.summary, fix)
	}
	msg := fmt.Sprintf("container %q runs %s %s, affected by %s", r.container.Container.Name, r.component.name, r.tag, strings.Join(parts, ", "))
	if r.component.note != "" {
		msg += "; " + r.component.note
	}
	return msg + " [dataset " + thirdPartyDatasetDate + "]"
}
