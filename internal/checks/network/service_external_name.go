package network

import (
	"fmt"
	"net/netip"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// Why: an ExternalName Service is a CNAME that cluster DNS hands out, and Ingress controllers,
// API gateways and service meshes proxy to it with their own network position. Pointing it at
// the cloud metadata service (169.254.169.254, metadata.google.internal) lets anyone who can
// create a Service and an Ingress route internet requests to the node's instance credentials
// — server-side request forgery through the proxy. Pointing it at another namespace's Service,
// at kubernetes.default or at localhost reaches what NetworkPolicies and namespace boundaries
// were meant to keep apart: the proxy connects from its own namespace, so the policies of the
// Service's namespace never apply. ExternalNames that point at ordinary external hosts are the
// feature's purpose and are not reported.
var serviceExternalName = &check.ObjectCheck[*corev1.Service]{
	Meta: check.Meta{
		ID:       "ST-0203",
		Slug:     "external-name-to-internal-target",
		Title:    "ExternalName Service points at an internal or metadata address",
		Layer:    check.LayerNetwork,
		Severity: check.SeverityMedium,
		Description: "The ExternalName Service aliases a cloud metadata endpoint, a loopback, link-local or " +
			"private address, the Kubernetes API, or a Service in another namespace. Proxies that follow " +
			"the alias (Ingress controllers, gateways, meshes) then forward outside requests there: a " +
			"server-side request forgery path to instance credentials and to internal services.",
		Remediation: "Point spec.externalName at the external host the application needs, or replace the alias " +
			"with a Service in the target's own namespace protected by NetworkPolicies.",
		References: []string{
			"https://kubernetes.io/docs/concepts/services-networking/service/#externalname",
		},
	},
	Kind: serviceKind,
	Run: func(_ *check.Env, _ *check.Object, svc *corev1.Service) ([]check.Violation, error) {
		if svc.Spec.Type != corev1.ServiceTypeExternalName {
			return nil, nil
		}
		why := internalTarget(svc.Spec.ExternalName, svc.Namespace)
		if why == "" {
			return nil, nil
		}
		return []check.Violation{{
			Path:    field.NewPath("spec", "externalName"),
			Message: fmt.Sprintf("ExternalName %q is %s", svc.Spec.ExternalName, why),
		}}, nil
	},
}

// metadataHosts are cloud instance-metadata host names.
var metadataHosts = map[string]bool{
	"metadata": true, "metadata.google.internal": true, "metadata.goog": true,
	"instance-data": true, "instance-data.ec2.internal": true, "metadata.azure.com": true,
	"metadata.tencentyun.com": true, "100-100-100-200.metadata": true,
}

// internalTarget says why an ExternalName reaches something internal, or "" when it does not.
// namespace is the Service's own namespace: aliasing a Service beside it crosses no boundary.
func internalTarget(name, namespace string) string {
	host := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(name)), ".")
	if addr, err := netip.ParseAddr(host); err == nil {
		return internalAddr(addr)
	}
	labels := strings.Split(host, ".")
	switch {
	case metadataHosts[host]:
		return "a cloud instance-metadata endpoint"
	case host == "localhost" || strings.HasSuffix(host, ".localhost"):
		return "the loopback interface of the proxy that resolves it"
	case host == "kubernetes" || strings.HasPrefix(host, "kubernetes.default"):
		return "the Kubernetes API server"
	case len(labels) >= 3 && labels[2] == "svc":
		if labels[1] == "default" && labels[0] == "kubernetes" {
			return "the Kubernetes API server"
		}
		if labels[1] != namespace {
			return fmt.Sprintf("service %q in namespace %q, another namespace", labels[0], labels[1])
		}
	case strings.HasSuffix(host, ".internal"):
		return "a name in the private .internal domain (cloud-internal DNS)"
	}
	return ""
}

// metadataAddrs are the instance-metadata addresses outside link-local ranges.
var metadataAddrs = map[netip.Addr]string{
	netip.MustParseAddr("100.100.100.200"): "the Alibaba Cloud instance-metadata address",
}

func internalAddr(a netip.Addr) string {
	switch {
	case a == netip.MustParseAddr("169.254.169.254"):
		return "the cloud instance-metadata address"
	case metadataAddrs[a] != "":
		return metadataAddrs[a]
	case a.IsLoopback():
		return "a loopback address"
	case a.IsLinkLocalUnicast():
		return "a link-local address"
	case a.IsPrivate():
		return "a private address"
	case a.IsUnspecified():
		return "the unspecified address, which connects to the proxy itself"
	}
	return ""
}
