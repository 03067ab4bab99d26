package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: without a serving certificate the kubelet generates a self-signed one, which the API
// server cannot verify. Its connections for exec, attach and logs can then be intercepted by
// anyone on the path to the node, or the API server is run with kubelet verification off.
var kubeletServingTLS = factsCheck(check.Meta{
	ID:       "ST-0309",
	Slug:     "kubelet-self-signed-serving-cert",
	Title:    "Kubelet serves with a self-signed certificate",
	Layer:    check.LayerNode,
	Severity: check.SeverityMedium,
	Description: "The kubelet has neither a serving certificate and key (--tls-cert-file and " +
		"--tls-private-key-file, or tlsCertFile and tlsPrivateKeyFile) nor serverTLSBootstrap: true, so it " +
		"serves its API with a self-signed certificate (CIS Kubernetes Benchmark 4.2.9). Setting only one of " +
		"the certificate and the key is reported too.",
	Remediation: "Set serverTLSBootstrap: true in the kubelet configuration file and approve the kubelet's serving certificate requests, or set tlsCertFile and tlsPrivateKeyFile to a certificate signed by the cluster CA, then restart the kubelet.",
	References:  kubeletReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	k, err := kubeletOf(f)
	if err != nil {
		return nil, err
	}
	cert, key := k.get("tls-cert-file", "tlsCertFile"), k.get("tls-private-key-file", "tlsPrivateKeyFile")
	certFile, err := optionalString(cert)
	if err != nil {
		return nil, err
	}
	keyFile, err := optionalString(key)
	if err != nil {
		return nil, err
	}
	switch {
	case certFile != "" && keyFile != "":
		return nil, nil
	case certFile != "":
		return one(key.path, "%s is set but the private key is not (%s) (CIS 4.2.9)", cert.name, key.name), nil
	case keyFile != "":
		return one(cert.path, "%s is set but the certificate is not (%s) (CIS 4.2.9)", key.name, cert.name), nil
	}
	if boot := k.get("", "serverTLSBootstrap"); boot.set {
		on, err := boot.boolean()
		if err != nil || on {
			return nil, err
		}
	}
	return one(cert.path, "%s, and serverTLSBootstrap is not true: the kubelet serves its API with a self-signed certificate (CIS 4.2.9)", cert.name), nil
})

// optionalString is a string setting's value, "" when it is not set.
func optionalString(s setting) (string, error) {
	if !s.set {
		return "", nil
	}
	return s.str()
}
