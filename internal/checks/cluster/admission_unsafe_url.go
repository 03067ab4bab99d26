package cluster

import (
	"fmt"
	"strings"

	"github.com/strata-sec/strata/internal/check"
)

// Why: the API server calls a webhook's clientConfig.url itself, from the control plane, with
// the full object of every matching request in the body. A URL at the cloud metadata service
// or at a link-local address turns the API server into a server-side request forgery proxy
// toward node credentials; one at loopback reaches whatever listens on the control-plane host
// (etcd, the kubelet, debug ports). An http:// URL sends every admitted Secret and pod spec in
// clear text to anyone on the path, who can also answer in the webhook's place and, for a
// mutating webhook, rewrite the object. Whoever can edit webhook configurations can point one
// there, which is why the addresses themselves are checked. Parsing uses net/url and
// net/netip, so IPv4-mapped IPv6 and zone forms are recognised.
var webhookUnsafeURL = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0146",
		Slug:     "webhook-unsafe-url",
		Title:    "Admission webhook URL points at an unsafe address",
		Layer:    check.LayerCluster,
		Severity: check.SeverityHigh,
		Description: "An admission webhook's clientConfig.url uses plain http or targets a cloud metadata service, " +
			"loopback or a link-local address. The API server sends every matching object there, which enables " +
			"request forgery against the control plane's network and interception or rewriting of admitted objects.",
		Remediation: "Point the webhook at an in-cluster Service with clientConfig.service, or at an https URL on a routable address with a caBundle that pins its certificate.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#url",
			"https://kubernetes.io/docs/concepts/security/api-server-bypass-risks/",
		},
	},
	Reads: webhookReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		var out []check.ObjectViolation
		for _, w := range admissionWebhooks(inv) {
			if w.client.URL == nil {
				continue
			}
			problems := urlProblems(*w.client.URL)
			if len(problems) == 0 {
				continue
			}
			out = append(out, w.violation(w.path.Child("clientConfig", "url"),
				fmt.Sprintf("webhook %q URL %s", w.name, strings.Join(problems, ", and ")), nil))
		}
		return out, nil
	},
}
