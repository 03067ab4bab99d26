package cluster

import (
	"fmt"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/rbac/paths"
)

// riskyRule decides whether one rule of a binding's role grants a risky permission and, if so,
// says which ("create pods").
type riskyRule func(r *rbacv1.PolicyRule, b *paths.Binding) (string, bool)

// riskCheck is a cluster check that reports each binding whose role holds a rule matching
// risky, on the first subject that is not part of Kubernetes itself (paths.SystemSubject
// says which are), naming the role and the rule.
//
// Scope namespace: a binding's finding reads only the binding and its role, which is a Role
// of the binding's own namespace or a cluster-scoped ClusterRole (aggregation reads
// ClusterRoles only); a ClusterRoleBinding's finding reads cluster-scoped objects only.
func riskCheck(meta check.Meta, risky riskyRule) *check.ClusterCheck {
	return &check.ClusterCheck{
		Meta:  meta,
		Reads: paths.RBACKinds,
		Scope: check.ScopeNamespace,
		Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
			bindings, err := paths.Bindings(inv)
			if err != nil {
				return nil, err
			}
			var out []check.ObjectViolation
			for i := range bindings {
				if v, ok := riskViolation(&bindings[i], risky); ok {
					out = append(out, v)
				}
			}
			return out, nil
		},
	}
}

func riskViolation(b *paths.Binding, risky riskyRule) (check.ObjectViolation, bool) {
	idx := nonSystemSubjects(b)
	if len(idx) == 0 {
		return check.ObjectViolation{}, false
	}
	for ri := range b.Rules {
		what, bad := risky(&b.Rules[ri], b)
		if !bad {
			continue
		}
		msg := fmt.Sprintf("grants %s %s %s through %s rule %d", subjectList(b, idx), what, b.Scope(), b.RoleName(), ri)
		return check.ObjectViolation{Object: b.Object, Violation: check.Violation{
			Path: field.NewPath("subjects").Index(idx[0]), Message: msg}}, true
	}
	return check.ObjectViolation{}, false
}

// nonSystemSubjects returns the indexes of the binding's subjects that are not part of
// Kubernetes itself.
func nonSystemSubjects(b *paths.Binding) []int {
	var out []int
	for i, s := range b.Subjects {
		if !paths.SystemSubject(paths.SubjectOf(s, b.Namespace), b) {
			out = append(out, i)
		}
	}
	return out
}

func subjectList(b *paths.Binding, idx []int) string {
	names := make([]string, len(idx))
	for i, j := range idx {
		names[i] = paths.SubjectOf(b.Subjects[j], b.Namespace).String()
	}
	return strings.Join(names, " and ")
}

// allows is a riskyRule for verbs on resources of one API group; any is true when a rule
// limited by resourceNames does not count (the risk is reading or writing arbitrary objects).
func allows(what, group string, resources, verbs []string, any bool) riskyRule {
	return func(r *rbacv1.PolicyRule, _ *paths.Binding) (string, bool) {
		for _, res := range resources {
			name, sub, _ := strings.Cut(res, "/")
			if paths.Allows(r, verbs, group, name, sub, "") {
				return what, true
			}
			if !any && len(r.ResourceNames) > 0 && paths.Allows(r, verbs, group, name, sub, r.ResourceNames[0]) {
				return what + " (" + strings.Join(r.ResourceNames, ", ") + ")", true
			}
		}
		return "", false
	}
}

// rbacRefs are the references of the RBAC risk checks.
var rbacRefs = []string{
	"https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
	"https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
}
