package cluster

import (
	rbacv1 "k8s.io/api/rbac/v1"
	"strings"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/rbac/paths"
)

// Why: rbac_impersonate.go0
var rbacImpersonate = riskCheck(check.Meta{
	ID: "ST-0186", Slug: "rbac-impersonate", Title: "Impersonation granted to a non-system subject",
	Layer: check.LayerCluster, Severity: check.SeverityCritical,
	Description: "A binding grants impersonate on users, groups, service accounts or uids. The subject acts as those identities; impersonating the group system:masters is cluster-admin.",
	Remediation: "Remove impersonate from the role, or limit it with resourceNames to identities that hold no more than the subject itself.",
	References:  rbacRefs,
}, impersonate)

func impersonate(r *rbacv1.PolicyRule, _ *paths.Binding) (string, bool) {
	targets := []struct{ group, resource string }{
		{"", "users"}, {"", "groups"}, {"", "serviceaccounts"}, {"authentication.k8s.io", "uids"}, {"authentication.k8s.io", "userextras"},
	}
	for _, t := range targets {
		name := ""
		if len(r.ResourceNames) > 0 {
			name = r.ResourceNames[0]
		}
		if paths.Allows(r, []string{"impersonate"}, t.group, t.resource, "", name) {
			what := "impersonate on " + t.resource
			if name != "" {
				what += " (" + strings.Join(r.ResourceNames, ", ") + ")"
			}
			return what, true
		}
	}
	return "", false
}
