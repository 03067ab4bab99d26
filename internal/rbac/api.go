package rbac

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/strata-sec/strata/internal/check"
)

// Subject kinds, as RBAC bindings name them.
const (
	KindUser           = rbacv1.UserKind
	KindGroup          = rbacv1.GroupKind
	KindServiceAccount = rbacv1.ServiceAccountKind
)

// Implicit groups the API server adds to authenticated identities.
const (
	GroupAuthenticated   = "system:authenticated"
	GroupUnauthenticated = "system:unauthenticated"
	GroupServiceAccounts = "system:serviceaccounts"
	// AnonymousUser is the user name of requests without credentials.
	AnonymousUser = "system:anonymous"
	// serviceAccountUserPrefix starts every service account's user name.
	serviceAccountUserPrefix = "system:serviceaccount:"
)

// Subject is an identity as a binding names it: a User, a Group, or a ServiceAccount (with its
// namespace).
type Subject struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

// Request is what an API request asks for, in the authorizer's terms. A non-resource request
// sets NonResourceURL (and Verb) and nothing else.
type Request struct {
	Verb           string `json:"verb"`
	APIGroup       string `json:"apiGroup,omitempty"`
	Resource       string `json:"resource,omitempty"`
	Subresource    string `json:"subresource,omitempty"`
	Namespace      string `json:"namespace,omitempty"`
	Name           string `json:"name,omitempty"`
	NonResourceURL string `json:"nonResourceURL,omitempty"`
}

// Grant is one rule that gives a subject a permission, with the binding and role it comes from.
type Grant struct {
	// Binding is the RoleBinding or ClusterRoleBinding.
	Binding check.Ref `json:"binding"`
	// Role is the Role or ClusterRole the binding references.
	Role check.Ref `json:"role"`
	// RuleIndex is the rule's index in the role's effective rules (after aggregation).
	RuleIndex int               `json:"ruleIndex"`
	Rule      rbacv1.PolicyRule `json:"rule"`
	// Namespace is where the grant applies: the RoleBinding's namespace; "" for cluster-wide.
	Namespace string `json:"namespace,omitempty"`
	// Via is the binding subject that matched the identity (a group such as
	// system:authenticated, the user itself, or its service account).
	Via Subject `json:"via"`
}

// SubjectGrants is a subject with the grants that give it a permission.
type SubjectGrants struct {
	Subject Subject `json:"subject"`
	Grants  []Grant `json:"grants"`
}

// AggregationDiff is a ClusterRole with an aggregationRule whose stored rules differ from what
// the aggregation controller would compute from the labelled ClusterRoles it selects. Only a
// Graph built with StoredAggregation reports them.
type AggregationDiff struct {
	Role check.Ref `json:"role"`
	// Stored are the rules the object holds; Computed the union of the selected roles' rules.
	Stored   []rbacv1.PolicyRule `json:"stored"`
	Computed []rbacv1.PolicyRule `json:"computed"`
}

// Dangling is a binding whose role does not exist (or whose roleRef kind is unsupported): the
// authorizer skips it, so it grants nothing until the role is created.
type Dangling struct {
	Binding check.Ref `json:"binding"`
	Role    check.Ref `json:"role"`
}

// Options configure a Graph.
type Options struct {
	// StoredAggregation uses the rules aggregated ClusterRoles hold, as a live API server
	// stores them after the aggregation controller ran. Without it (manifests) the rules are
	// computed from the selected roles, as the controller would once the manifests are applied.
	StoredAggregation bool
}
