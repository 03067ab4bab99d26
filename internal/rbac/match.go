package rbac

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// The functions here decide whether one PolicyRule matches one request. They follow the RBAC
// authorizer's matching rules to the letter, because a who-can answer that differs from the API
// server's in one edge case is worse than none: "*" is a wildcard only as a whole entry,
// resources match "*", the combined "resource/subresource" form or "*/subresource",
// resourceNames restrict a rule to requests that carry one of those names (so a named rule
// never matches list or create, which have none), and a nonResourceURLs entry ending in "*"
// matches every path with that prefix.

// RuleAllows reports whether rule grants request r.
func RuleAllows(rule *rbacv1.PolicyRule, r Request) bool {
	if r.NonResourceURL != "" {
		return VerbMatches(rule, r.Verb) && NonResourceURLMatches(rule, r.NonResourceURL)
	}
	combined := r.Resource
	if r.Subresource != "" {
		combined = r.Resource + "/" + r.Subresource
	}
	return VerbMatches(rule, r.Verb) &&
		APIGroupMatches(rule, r.APIGroup) &&
		ResourceMatches(rule, combined, r.Subresource) &&
		ResourceNameMatches(rule, r.Name)
}

// VerbMatches reports whether the rule lists the verb or "*".
func VerbMatches(rule *rbacv1.PolicyRule, verb string) bool {
	for _, v := range rule.Verbs {
		if v == rbacv1.VerbAll || v == verb {
			return true
		}
	}
	return false
}

// APIGroupMatches reports whether the rule lists the API group or "*".
func APIGroupMatches(rule *rbacv1.PolicyRule, group string) bool {
	for _, g := range rule.APIGroups {
		if g == rbacv1.APIGroupAll || g == group {
			return true
		}
	}
	return false
}

// ResourceMatches reports whether the rule lists "*", the combined resource ("pods" or
// "pods/exec"), or, for a subresource request, "*/subresource".
func ResourceMatches(rule *rbacv1.PolicyRule, combined, subresource string) bool {
	for _, res := range rule.Resources {
		if res == rbacv1.ResourceAll || res == combined {
			return true
		}
		if subresource != "" && len(res) == len(subresource)+2 && strings.HasPrefix(res, "*/") && res[2:] == subresource {
			return true
		}
	}
	return false
}

// ResourceNameMatches reports whether the rule has no resourceNames or lists the requested
// name. A request without a name (list, create, deletecollection) matches only a rule without
// resourceNames.
func ResourceNameMatches(rule *rbacv1.PolicyRule, name string) bool {
	if len(rule.ResourceNames) == 0 {
		return true
	}
	for _, n := range rule.ResourceNames {
		if n == name {
			return true
		}
	}
	return false
}

// NonResourceURLMatches reports whether the rule lists "*", the path itself, or a prefix of it
// followed by "*".
func NonResourceURLMatches(rule *rbacv1.PolicyRule, path string) bool {
	for _, u := range rule.NonResourceURLs {
		if u == rbacv1.NonResourceAll || u == path {
			return true
		}
		if strings.HasSuffix(u, "*") && strings.HasPrefix(path, strings.TrimRight(u, "*")) {
			return true
		}
	}
	return false
}
