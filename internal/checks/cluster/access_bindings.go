package cluster

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/rbac"
)

// rbacGK names the RBAC kinds the access checks read.
var rbacGK = struct{ ClusterRole, Role, ClusterRoleBinding, RoleBinding schema.GroupKind }{
	ClusterRole:        schema.GroupKind{Group: rbacv1.GroupName, Kind: "ClusterRole"},
	Role:               schema.GroupKind{Group: rbacv1.GroupName, Kind: "Role"},
	ClusterRoleBinding: schema.GroupKind{Group: rbacv1.GroupName, Kind: "ClusterRoleBinding"},
	RoleBinding:        schema.GroupKind{Group: rbacv1.GroupName, Kind: "RoleBinding"},
}

var rbacReads = []schema.GroupKind{rbacGK.ClusterRoleBinding, rbacGK.RoleBinding, rbacGK.ClusterRole, rbacGK.Role}

// grantOf is what a binding's role lets its subjects do.
type grantOf struct {
	reach reach
	// beyond describes what the role grants past discovery.
	beyond []string
	// unknown says why the role's permissions could not be read.
	unknown string
	// role names the role as reports print it ("ClusterRole cluster-admin").
	role string
	// scope says where ("cluster-wide", "in namespace shop").
	scope string
}

// what describes the grant for messages.
func (g grantOf) what() string {
	if g.unknown != "" {
		return g.unknown
	}
	if len(g.beyond) == 0 {
		return "it grants " + g.reach.String()
	}
	return "it grants " + summarize(g.beyond)
}

// rbacBinding is a ClusterRoleBinding or RoleBinding seen through what the checks need.
type rbacBinding struct {
	obj      *check.Object
	roleRef  rbacv1.RoleRef
	subjects []rbacv1.Subject
	scope    ruleScope
}

// rbacBindings lists every ClusterRoleBinding, then every RoleBinding.
func rbacBindings(inv check.Inventory) []rbacBinding {
	var out []rbacBinding
	for _, o := range inv.List(rbacGK.ClusterRoleBinding, "") {
		if b, ok := o.Obj.(*rbacv1.ClusterRoleBinding); ok {
			out = append(out, rbacBinding{o, b.RoleRef, b.Subjects, ruleScope{clusterWide: true}})
		}
	}
	for _, o := range inv.List(rbacGK.RoleBinding, "") {
		if b, ok := o.Obj.(*rbacv1.RoleBinding); ok {
			out = append(out, rbacBinding{o, b.RoleRef, b.Subjects, ruleScope{namespace: b.Namespace}})
		}
	}
	return out
}

// grant resolves the binding's role and rates it. A role the input does not hold, and the API
// server does not create by default, cannot be checked: it is rated beyond discovery and the
// description says why, because a binding to it would grant whatever the role holds once it
// exists.
func (b rbacBinding) grant(rg *rbac.Graph) (grantOf, error) {
	g := grantOf{role: b.roleRef.Kind + " " + b.roleRef.Name, scope: "cluster-wide"}
	if !b.scope.clusterWide {
		g.scope = "in namespace " + b.scope.namespace
	}
	rules, found := b.roleRules(rg)
	switch {
	case !found:
		g.reach = reachBeyond
		g.unknown = fmt.Sprintf("%s is not in the input, so it is assumed to grant anything", g.role)
	default:
		g.reach, g.beyond = rulesReach(rules, b.scope)
	}
	return g, nil
}

// roleRules returns the effective rules of the referenced role from the RBAC graph:
// aggregation applied, and the built-in ClusterRoles a manifest set binds without defining.
func (b rbacBinding) roleRules(g *rbac.Graph) (rules []rbacv1.PolicyRule, found bool) {
	ref := check.Ref{Kind: b.roleRef.Kind, Name: b.roleRef.Name}
	switch b.roleRef.Kind {
	case "Role":
		if b.scope.clusterWide {
			return nil, false
		}
		ref.Namespace = b.scope.namespace
	case "ClusterRole":
	default:
		return nil, false
	}
	return g.Rules(ref)
}

// subjectsNamed returns the indexes of the binding's subjects that are the given users or
// groups (service accounts are never these).
func (b rbacBinding) subjectsNamed(users, groups []string) []int {
	var out []int
	for i, s := range b.subjects {
		if s.Kind == rbacv1.UserKind && slices.Contains(users, s.Name) || s.Kind == rbacv1.GroupKind && slices.Contains(groups, s.Name) {
			out = append(out, i)
		}
	}
	return out
}

// subjectViolation is one violation per binding, placed on the first offending subject, whose
// fix removes every offending subject (from the last, so the indexes stay right).
func (b rbacBinding) subjectViolation(idx []int, msg string) check.ObjectViolation {
	p := field.NewPath("subjects")
	var fix []check.PatchOp
	for i := len(idx) - 1; i >= 0; i-- {
		fix = append(fix, check.PatchOp{Op: "remove", Path: check.Pointer(p.Index(idx[i]))})
	}
	return check.ObjectViolation{Object: b.obj, Violation: check.Violation{Path: p.Index(idx[0]), Message: msg, Fix: fix}}
}

// subjectNames lists the named subjects for messages.
func (b rbacBinding) subjectNames(idx []int) string {
	names := make([]string, len(idx))
	for i, j := range idx {
		names[i] = b.subjects[j].Name
	}
	return strings.Join(names, " and ")
}

// bindingCheck runs fn over every binding whose subjects include the given users or groups,
// resolving each binding's role first.
func bindingCheck(inv check.Inventory, users, groups []string, fn func(b rbacBinding, idx []int, g grantOf) (string, bool)) ([]check.ObjectViolation, error) {
	rg, err := rbac.FromInventory(inv)
	if err != nil {
		return nil, err
	}
	var out []check.ObjectViolation
	for _, b := range rbacBindings(inv) {
		idx := b.subjectsNamed(users, groups)
		if len(idx) == 0 {
			continue
		}
		g, err := b.grant(rg)
		if err != nil {
			return out, err
		}
		if msg, bad := fn(b, idx, g); bad {
			out = append(out, b.subjectViolation(idx, msg))
		}
	}
	return out, nil
}
