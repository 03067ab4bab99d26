package cluster

import (
	"fmt"
	"strings"

	"github.com/strata-sec/strata/internal/check"
)

// Why: TLS 1.0 and 1.1, and cipher suites without forward secrecy or with RC4, 3DES or
// CBC-SHA256, let an attacker who records the API server's traffic decrypt it later or
// downgrade new connections. Go's defaults are strong; an explicit list is where weak suites
// come back in.
var cpTLSCiphers = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0118",
		Slug:     "api-server-weak-tls",
		Title:    "API server allows weak TLS versions or cipher suites",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "kube-apiserver's --tls-cipher-suites lists suites outside the strong set of CIS Kubernetes " +
			"Benchmark 1.2.29, or --tls-min-version allows TLS 1.0 or 1.1. Without --tls-cipher-suites the API " +
			"server uses Go's default suites, which are strong in the Go releases Kubernetes is built with.",
		Remediation: "Remove --tls-min-version below VersionTLS12 and list only ECDHE suites with AES-GCM or ChaCha20-Poly1305 (and the TLS 1.3 suites) in --tls-cipher-suites, or drop the flag to use Go's defaults.",
		References: []string{
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, weakTLS, apiServer)
	},
}

// strongCiphers is the cipher suite list of CIS Kubernetes Benchmark 1.2.29.
var strongCiphers = []string{
	"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
}

func weakTLS(c *cpContainer) ([]check.Violation, string) {
	var out []check.Violation
	if o, ok := c.flags.last("tls-min-version"); ok {
		if v := strings.TrimSpace(o.value); v == "VersionTLS10" || v == "VersionTLS11" {
			out = append(out, c.at(o, fmt.Sprintf("--tls-min-version is %s: clients may connect with TLS versions that have known weaknesses (CIS 1.2.29)", v),
				setFlag(o, "VersionTLS12")))
		}
	}
	for _, o := range c.flags.occ["tls-cipher-suites"] {
		var weak []string
		for _, s := range splitList(o.value) {
			if !contains(strongCiphers, s) {
				weak = append(weak, s)
			}
		}
		if len(weak) > 0 {
			out = append(out, c.at(o, fmt.Sprintf("--tls-cipher-suites allows %s, outside the strong set (CIS 1.2.29)",
				strings.Join(weak, ", ")), nil))
		}
	}
	return out, ""
}
