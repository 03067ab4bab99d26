package cluster

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// rbacGK names the RBAC kinds the access checks read.
var rbacGK = struct{ ClusterRole, Role, ClusterRoleBinding, RoleBinding schema.GroupKind }{
	ClusterRole:        schema.GroupKind{Group: rbacv1.GroupName, Kind: "ClusterRole"},
	Role:               schema.GroupKind{Group: rbacv1.GroupName, Kind: "Role"},
	ClusterRoleBinding: schema.GroupKind{Group: rbacv1.GroupName, Kind: "ClusterRoleBinding"},
	RoleBinding:        schema.GroupKind{Group: rbacv1.GroupName, Kind: "RoleBinding"},
}

var rbacReads = []schema.GroupKind{rbacGK.ClusterRoleBinding, rbacGK.RoleBinding, rbacGK.ClusterRole, rbacGK.Role}

// bootstrapRoles are the API server's default ClusterRoles (k8s.io/kubernetes
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy, v1.37), used when a manifest binds one
// without defining it. A live inventory holds the real objects, which take precedence. The
// user-facing roles aggregate their rules from others, so they carry a summary instead.
var bootstrapRoles = map[string]struct {
	rules   []rbacv1.PolicyRule
	summary string
}{
	"cluster-admin": {rules: []rbacv1.PolicyRule{
		{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}},
		{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}},
	}},
	"admin": {summary: "the built-in admin role, which controls namespaced objects, Secrets included"},
	"edit":  {summary: "the built-in edit role, which creates and changes workloads and reads Secrets"},
	"view":  {summary: "the built-in view role, which reads most namespaced objects"},
	"system:discovery": {rules: []rbacv1.PolicyRule{{Verbs: []string{"get"}, NonResourceURLs: []string{
		"/livez", "/readyz", "/healthz", "/version", "/version/", "/openapi", "/openapi/*", "/api", "/api/*", "/apis", "/apis/*"}}}},
	"system:public-info-viewer": {rules: []rbacv1.PolicyRule{{Verbs: []string{"get"}, NonResourceURLs: []string{
		"/livez", "/readyz", "/healthz", "/version", "/version/"}}}},
	"system:basic-user": {rules: []rbacv1.PolicyRule{
		{Verbs: []string{"create"}, APIGroups: []string{"authorization.k8s.io"}, Resources: []string{"selfsubjectaccessreviews", "selfsubjectrulesreviews"}},
		{Verbs: []string{"create"}, APIGroups: []string{"authentication.k8s.io"}, Resources: []string{"selfsubjectreviews"}},
	}},
	"system:service-account-issuer-discovery": {rules: []rbacv1.PolicyRule{{Verbs: []string{"get"}, NonResourceURLs: []string{
		"/.well-known/openid-configuration", "/.well-known/openid-configuration/", "/openid/v1/jwks", "/openid/v1/jwks/"}}}},
}

// grantOf is what a binding's role lets its subjects do.
type grantOf struct {
	reach reach
	// beyond describes what the role grants past discovery.
	beyond []string
	// unknown says why the role's permissions could not be read.
	unknown string
	// summary describes a built-in role whose rules are aggregated from others.
	summary string
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
	if g.summary != "" {
		return "it is " + g.summary
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
func (b rbacBinding) grant(inv check.Inventory) (grantOf, error) {
	g := grantOf{role: b.roleRef.Kind + " " + b.roleRef.Name, scope: "cluster-wide"}
	if !b.scope.clusterWide {
		g.scope = "in namespace " + b.scope.namespace
	}
	rules, summary, found, err := b.roleRules(inv)
	if err != nil {
		return g, err
	}
	switch {
	case !found:
		g.reach = reachBeyond
		g.unknown = fmt.Sprintf("%s is not in the input, so it is assumed to grant anything", g.role)
	case summary != "":
		g.reach, g.summary = reachBeyond, summary
	default:
		g.reach, g.beyond = rulesReach(rules, b.scope)
	}
	return g, nil
}

// roleRules returns the rules of the referenced role, with the rules an aggregated ClusterRole
// selects from the other ClusterRoles in the input (a live cluster has already filled them in).
func (b rbacBinding) roleRules(inv check.Inventory) (rules []rbacv1.PolicyRule, summary string, found bool, err error) {
	switch b.roleRef.Kind {
	case "Role":
		o, ok := inv.Get(rbacGK.Role, b.scope.namespace, b.roleRef.Name)
		if !ok || b.scope.clusterWide {
			return nil, "", false, nil
		}
		r, isRole := o.Obj.(*rbacv1.Role)
		if !isRole {
			return nil, "", false, fmt.Errorf("role %s is a %T", o.Ref, o.Obj)
		}
		return r.Rules, "", true, nil
	case "ClusterRole":
		o, ok := inv.Get(rbacGK.ClusterRole, "", b.roleRef.Name)
		if !ok {
			br, known := bootstrapRoles[b.roleRef.Name]
			return br.rules, br.summary, known, nil
		}
		cr, isCR := o.Obj.(*rbacv1.ClusterRole)
		if !isCR {
			return nil, "", false, fmt.Errorf("cluster role %s is a %T", o.Ref, o.Obj)
		}
		rules, err := aggregatedRules(inv, cr)
		return rules, "", true, err
	}
	return nil, "", false, nil
}

func aggregatedRules(inv check.Inventory, cr *rbacv1.ClusterRole) ([]rbacv1.PolicyRule, error) {
	rules := slices.Clone(cr.Rules)
	if cr.AggregationRule == nil {
		return rules, nil
	}
	for _, sel := range cr.AggregationRule.ClusterRoleSelectors {
		s, err := metav1.LabelSelectorAsSelector(&sel)
		if err != nil {
			return nil, fmt.Errorf("cluster role %s: aggregation selector: %w", cr.Name, err)
		}
		for _, o := range inv.List(rbacGK.ClusterRole, "") {
			other, ok := o.Obj.(*rbacv1.ClusterRole)
			if ok && other.Name != cr.Name && s.Matches(labels.Set(other.Labels)) {
				rules = append(rules, other.Rules...)
			}
		}
	}
	return rules, nil
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
	var out []check.ObjectViolation
	for _, b := range rbacBindings(inv) {
		idx := b.subjectsNamed(users, groups)
		if len(idx) == 0 {
			continue
		}
		g, err := b.grant(inv)
		if err != nil {
			return out, err
		}
		if msg, bad := fn(b, idx, g); bad {
			out = append(out, b.subjectViolation(idx, msg))
		}
	}
	return out, nil
}
