package cluster

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/rbac/paths"
)

// Why: rbac_admission_write.go0
var rbacAdmissionWrite = riskCheck(check.Meta{
	ID: "ST-0189", Slug: "rbac-admission-write", Title: "Admission webhooks, CRDs or APIServices writable by a non-system subject",
	Layer: check.LayerCluster, Severity: check.SeverityHigh,
	Description: "A binding grants write access to validating or mutating webhook configurations, CustomResourceDefinitions or APIServices. The subject can intercept and rewrite every API request, or serve an API group from its own backend.",
	Remediation: "Remove write access to admission, apiextensions and apiregistration objects from the role; let a platform pipeline manage them.",
	References:  rbacRefs,
}, admissionWrite)

var admissionTargets = []struct{ group, resource string }{
	{"admissionregistration.k8s.io", "validatingwebhookconfigurations"},
	{"admissionregistration.k8s.io", "mutatingwebhookconfigurations"},
	{"admissionregistration.k8s.io", "validatingadmissionpolicies"},
	{"admissionregistration.k8s.io", "validatingadmissionpolicybindings"},
	{"apiextensions.k8s.io", "customresourcedefinitions"},
	{"apiregistration.k8s.io", "apiservices"},
}

func admissionWrite(r *rbacv1.PolicyRule, _ *paths.Binding) (string, bool) {
	for _, t := range admissionTargets {
		if paths.Allows(r, []string{"create", "update", "patch", "delete"}, t.group, t.resource, "", "") {
			return "write on " + t.resource + "." + t.group, true
		}
	}
	return "", false
}
