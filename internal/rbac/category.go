package rbac

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Category is a coarse risk class of a rule, for grouping what a subject can do. It is a
// reading aid for `strata access`, not a finding: the risky-permission checks judge rules.
type Category string

// Categories from the most to the least dangerous; a rule belongs to the first that matches.
const (
	CategoryClusterAdmin Category = "cluster-admin-equivalent"
	CategoryEscalate     Category = "escalate/bind/impersonate"
	CategoryNodesProxy   Category = "nodes/proxy"
	CategoryTokenCreate  Category = "token create"
	CategoryExec         Category = "exec/attach/portforward"
	CategoryWorkload     Category = "workload create"
	CategorySecretsRead  Category = "secrets read"
	CategoryOther        Category = "other"
)

// Categories lists every category in order of risk.
var Categories = []Category{CategoryClusterAdmin, CategoryEscalate, CategoryNodesProxy, CategoryTokenCreate,
	CategoryExec, CategoryWorkload, CategorySecretsRead, CategoryOther}

// probe is a request shape that puts a rule in a category when the rule allows it.
type probe struct{ verb, group, resource string }

var categoryProbes = map[Category][]probe{
	CategoryEscalate: {
		{"escalate", rbacv1.GroupName, "roles"}, {"escalate", rbacv1.GroupName, "clusterroles"},
		{"bind", rbacv1.GroupName, "roles"}, {"bind", rbacv1.GroupName, "clusterroles"},
		{"impersonate", "", "users"}, {"impersonate", "", "groups"}, {"impersonate", "", "serviceaccounts"},
		{"impersonate", "authentication.k8s.io", "userextras/scopes"}, {"impersonate", "authentication.k8s.io", "uids"},
	},
	CategoryNodesProxy:  {{"get", "", "nodes/proxy"}, {"create", "", "nodes/proxy"}},
	CategoryTokenCreate: {{"create", "", "serviceaccounts/token"}},
	CategoryExec: {
		{"create", "", "pods/exec"}, {"get", "", "pods/exec"}, {"create", "", "pods/attach"}, {"get", "", "pods/attach"},
		{"create", "", "pods/portforward"}, {"get", "", "pods/portforward"},
	},
	CategoryWorkload: {
		{"create", "", "pods"}, {"create", "", "replicationcontrollers"}, {"create", "apps", "deployments"},
		{"create", "apps", "daemonsets"}, {"create", "apps", "statefulsets"}, {"create", "apps", "replicasets"},
		{"create", "batch", "jobs"}, {"create", "batch", "cronjobs"},
	},
	CategorySecretsRead: {{"get", "", "secrets"}, {"list", "", "secrets"}, {"watch", "", "secrets"}},
}

// Classify returns the most dangerous category the rule falls in. Resource names are ignored:
// reading one named Secret is still reading Secrets.
func Classify(rule rbacv1.PolicyRule) Category {
	if len(rule.Resources) > 0 && hasAll(rule.Verbs, rbacv1.VerbAll) && hasAll(rule.APIGroups, rbacv1.APIGroupAll) && hasAll(rule.Resources, rbacv1.ResourceAll) {
		return CategoryClusterAdmin
	}
	unnamed := rule
	unnamed.ResourceNames = nil
	for _, c := range Categories[1 : len(Categories)-1] {
		for _, p := range categoryProbes[c] {
			res, sub, _ := strings.Cut(p.resource, "/")
			if RuleAllows(&unnamed, Request{Verb: p.verb, APIGroup: p.group, Resource: res, Subresource: sub}) {
				return c
			}
		}
	}
	return CategoryOther
}

func hasAll(list []string, all string) bool {
	for _, v := range list {
		if v == all {
			return true
		}
	}
	return false
}
