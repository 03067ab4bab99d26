package network

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// Why: an Ingress host without a TLS entry is served over plain HTTP, usually straight from
// the internet. Session cookies, bearer tokens, basic-auth headers and form posts cross every
// network between the user and the cluster in clear text; anyone on the path (public Wi-Fi, a
// compromised router, a transit provider) can read or rewrite them, and inject content into the
// responses. A host is covered when a spec.tls entry lists it, directly or through a wildcard
// ("*.example.com" covers exactly one more label); a tls entry without hosts covers the rules
// without a host, as the API documents.
var ingressWithoutTLS = &check.ObjectCheck[*networkingv1.Ingress]{
	Meta: check.Meta{
		ID:       "ST-0204",
		Slug:     "ingress-without-tls",
		Title:    "Ingress serves a host without TLS",
		Layer:    check.LayerNetwork,
		Severity: check.SeverityMedium,
		Description: "A rule (or the default backend) of the Ingress is not covered by any spec.tls entry, so " +
			"the controller serves it over plain HTTP. Credentials, cookies and data cross the network " +
			"unencrypted and can be read or modified in transit.",
		Remediation: "Add a spec.tls entry listing every host with a certificate Secret (cert-manager can issue " +
			"and renew it), and redirect HTTP to HTTPS in the Ingress controller.",
		References: []string{
			"https://kubernetes.io/docs/concepts/services-networking/ingress/#tls",
		},
	},
	Kind: ingressKind,
	Run: func(_ *check.Env, _ *check.Object, ing *networkingv1.Ingress) ([]check.Violation, error) {
		var vs []check.Violation
		rules := field.NewPath("spec", "rules")
		for i, r := range ing.Spec.Rules {
			if tlsCovers(ing.Spec.TLS, r.Host) {
				continue
			}
			if r.Host == "" {
				vs = append(vs, check.Violation{Path: rules.Index(i),
					Message: "rule without a host is served over plain HTTP: no tls entry covers it"})
				continue
			}
			vs = append(vs, check.Violation{Path: rules.Index(i).Child("host"),
				Message: fmt.Sprintf("host %q is served over plain HTTP: no tls entry lists it", r.Host)})
		}
		if len(ing.Spec.Rules) == 0 && ing.Spec.DefaultBackend != nil && !tlsCovers(ing.Spec.TLS, "") {
			vs = append(vs, check.Violation{Path: field.NewPath("spec", "defaultBackend"),
				Message: "default backend is served over plain HTTP: the Ingress has no tls entry"})
		}
		return vs, nil
	},
}

// tlsCovers reports whether a tls entry covers host; host "" stands for rules without a host,
// which a tls entry without hosts covers.
func tlsCovers(tls []networkingv1.IngressTLS, host string) bool {
	host = strings.ToLower(host)
	for _, t := range tls {
		if len(t.Hosts) == 0 && host == "" {
			return true
		}
		for _, h := range t.Hosts {
			if hostMatches(strings.ToLower(h), host) {
				return true
			}
		}
	}
	return false
}

// hostMatches reports whether a certificate host pattern matches host. A wildcard replaces
// exactly one leftmost label, as in X.509 name matching.
func hostMatches(pattern, host string) bool {
	if pattern == host {
		return true
	}
	if rest, ok := strings.CutPrefix(pattern, "*."); ok && host != "" {
		first, tail, found := strings.Cut(host, ".")
		return found && first != "" && tail == rest
	}
	return false
}
