package node

import (
	"fmt"
	"slices"
	"strings"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: TLS 1.0 and 1.1, and suites without forward secrecy or with CBC, RC4 or 3DES, let an
// attacker who records the kubelet's traffic (exec sessions, logs) decrypt it later or
// downgrade new connections. Go's default suites are strong; an explicit list is where weak
// suites come back in.
var kubeletTLSCiphers = factsCheck(check.Meta{
	ID:       "ST-0312",
	Slug:     "kubelet-weak-tls",
	Title:    "Kubelet allows weak TLS versions or cipher suites",
	Layer:    check.LayerNode,
	Severity: check.SeverityMedium,
	Description: "--tls-cipher-suites or tlsCipherSuites lists suites that are not ECDHE with AES-GCM or " +
		"ChaCha20-Poly1305 (or TLS 1.3 suites), or --tls-min-version or tlsMinVersion allows TLS 1.0 or 1.1 " +
		"(CIS Kubernetes Benchmark 4.2.12). Without a list the kubelet uses Go's default suites, which are strong.",
	Remediation: "List only ECDHE suites with AES-GCM or ChaCha20-Poly1305 in tlsCipherSuites (or remove it to use Go's defaults) and set tlsMinVersion to VersionTLS12 or higher, then restart the kubelet.",
	References:  kubeletReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	k, err := kubeletOf(f)
	if err != nil {
		return nil, err
	}
	var out []check.Violation
	if s := k.get("tls-min-version", "tlsMinVersion"); s.set {
		v, err := s.str()
		if err != nil {
			return nil, err
		}
		if v == "VersionTLS10" || v == "VersionTLS11" {
			out = append(out, one(s.path, "%s is %s: clients may connect with TLS versions that have known weaknesses (CIS 4.2.12)", s.name, v)...)
		}
	}
	if s := k.get("tls-cipher-suites", "tlsCipherSuites"); s.set {
		suites, err := s.list()
		if err != nil {
			return nil, err
		}
		var weak []string
		for _, suite := range suites {
			if !slices.Contains(strongCiphers, suite) {
				weak = append(weak, suite)
			}
		}
		if len(weak) > 0 {
			out = append(out, check.Violation{Path: s.path, Message: fmt.Sprintf(
				"%s allows %s, outside the strong set (CIS 4.2.12)", s.name, strings.Join(weak, ", "))})
		}
	}
	return out, nil
})

// strongCiphers are the suites with forward secrecy and an AEAD cipher: TLS 1.3's and the TLS
// 1.2 ECDHE suites with AES-GCM or ChaCha20-Poly1305, under their Go and IANA names.
var strongCiphers = []string{
	"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
}
