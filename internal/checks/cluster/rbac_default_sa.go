package cluster

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/rbac"
	"github.com/strata-sec/strata/internal/rbac/paths"
)

// Why: every pod that names no service account runs as its namespace's default account, so a
// permission bound to it is held by every such pod, including ones added later by people who
// never meant to grant it. Bootstrap bindings of kube-system are excluded
// (paths.SystemSubject).
//
// Scope namespace: a finding reads only its binding's subjects and namespace.
var rbacDefaultSABinding = &check.ClusterCheck{
	Meta: check.Meta{
		ID: "ST-0192", Slug: "rbac-default-serviceaccount-binding", Title: "Role bound to a default service account",
		Layer: check.LayerCluster, Severity: check.SeverityMedium,
		Description: "A binding grants a role to a namespace's default service account. Every pod of that namespace " +
			"that does not name a service account holds the role's permissions.",
		Remediation: "Create a dedicated service account for the workload that needs the role, bind the role to it and set serviceAccountName.",
		References: []string{
			"https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts",
			"https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
		},
	},
	Reads: paths.RBACKinds,
	Scope: check.ScopeNamespace,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		bindings, err := paths.Bindings(inv)
		if err != nil {
			return nil, err
		}
		var out []check.ObjectViolation
		for i := range bindings {
			b := &bindings[i]
			for si, s := range b.Subjects {
				sub := paths.SubjectOf(s, b.Namespace)
				if sub.Kind != rbac.KindServiceAccount || sub.Name != "default" || paths.SystemSubject(sub, b) {
					continue
				}
				out = append(out, check.ObjectViolation{Object: b.Object, Violation: check.Violation{
					Path:    field.NewPath("subjects").Index(si),
					Message: fmt.Sprintf("binds %s %s to %s, which every pod of namespace %s without a serviceAccountName uses", b.RoleName(), b.Scope(), sub, sub.Namespace),
				}})
				break
			}
		}
		return out, nil
	},
}
