// Package clusterrole derives the ClusterRole strata runs with in a cluster from the inputs its
// checks declare: read-only verbs on exactly the kinds some check reads, never Secrets, and the
// discovery and /version URLs the live source requests.
package clusterrole

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/strata-sec/strata/internal/check"
)

// Verbs are the only verbs the role grants: strata reads, it never writes.
var Verbs = []string{"get", "list", "watch"}

// syntheticGroup is the API group of the inventory objects strata makes itself (ClusterInfo,
// NodeFacts, Image); they are never requested from the API server.
const syntheticGroup = "strata.dev"

// nonResourceURLs are what the live source reads besides objects: the server version (for the
// version CVE checks) and discovery (to learn which kinds are served).
var nonResourceURLs = []string{"/api", "/api/*", "/apis", "/apis/*", "/version"}

// Excluded is a kind some check reads that the role does not grant, with why.
type Excluded struct {
	Kind   schema.GroupKind
	Reason string
}

// ForChecks returns the ClusterRole named name that lets strata evaluate checks, and the kinds
// it deliberately leaves out. Checks that read a left-out kind are reported not-assessed in
// the cluster, which is the honest result of not holding the permission.
func ForChecks(name string, checks []check.Check) (*rbacv1.ClusterRole, []Excluded) {
	byGroup := map[string][]string{}
	var excluded []Excluded
	for _, gk := range check.InputsOf(checks) {
		switch {
		case gk.Group == syntheticGroup:
			continue
		case gk.Group == "" && gk.Kind == "Secret":
			// Listing Secrets returns their data: the role never grants it, so the checks
			// about legacy token Secrets are not assessed in-cluster rather than strata
			// holding every credential of the cluster.
			excluded = append(excluded, Excluded{Kind: gk, Reason: "reading Secrets returns their data; strata never holds it"})
			continue
		}
		byGroup[gk.Group] = append(byGroup[gk.Group], Resource(gk))
	}
	groups := make([]string, 0, len(byGroup))
	for g := range byGroup {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	role := &rbacv1.ClusterRole{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app.kubernetes.io/name": "strata"}},
	}
	for _, g := range groups {
		res := byGroup[g]
		sort.Strings(res)
		role.Rules = append(role.Rules, rbacv1.PolicyRule{
			APIGroups: []string{g}, Resources: slices.Compact(res), Verbs: slices.Clone(Verbs),
		})
	}
	role.Rules = append(role.Rules, rbacv1.PolicyRule{NonResourceURLs: slices.Clone(nonResourceURLs), Verbs: []string{"get"}})
	sort.Slice(excluded, func(i, j int) bool { return excluded[i].Kind.String() < excluded[j].Kind.String() })
	return role, excluded
}

// Resource is the REST resource of a kind: the lower-case plural the API serves it under. The
// API machinery's guess turns every trailing "y" into "ies", which is wrong after a vowel
// (Gateway is served as gateways); a test compares the results with a real API server's
// discovery.
func Resource(gk schema.GroupKind) string {
	kind := strings.ToLower(gk.Kind)
	if n := len(kind); n > 1 && kind[n-1] == 'y' && strings.ContainsRune("aeiou", rune(kind[n-2])) {
		return kind + "s"
	}
	plural, _ := meta.UnsafeGuessKindToResource(gk.WithVersion("v1"))
	return plural.Resource
}

// Validate reports every way role is not the read-only, Secret-free role strata may run with:
// a write verb, a wildcard, or any access to Secrets.
func Validate(role *rbacv1.ClusterRole) error {
	var problems []string
	for i, r := range role.Rules {
		for _, v := range r.Verbs {
			if !slices.Contains(Verbs, v) {
				problems = append(problems, fmt.Sprintf("rule %d grants verb %q", i, v))
			}
		}
		for _, g := range r.APIGroups {
			if g == "*" {
				problems = append(problems, fmt.Sprintf("rule %d grants every API group", i))
			}
		}
		for _, res := range r.Resources {
			if res == "*" || strings.HasPrefix(res, "*/") {
				problems = append(problems, fmt.Sprintf("rule %d grants every resource", i))
			}
			if (res == "secrets" || strings.HasPrefix(res, "secrets/")) && slices.Contains(r.APIGroups, "") {
				problems = append(problems, fmt.Sprintf("rule %d grants access to Secrets", i))
			}
		}
		for _, u := range r.NonResourceURLs {
			if u == "*" || u == "/*" {
				problems = append(problems, fmt.Sprintf("rule %d grants every non-resource URL", i))
			}
		}
	}
	if role.AggregationRule != nil && len(role.AggregationRule.ClusterRoleSelectors) > 0 {
		problems = append(problems, "the role aggregates other roles, whose rules it cannot bound")
	}
	if len(problems) > 0 {
		return fmt.Errorf("ClusterRole %s is not read-only and Secret-free: %s", role.Name, strings.Join(problems, "; "))
	}
	return nil
}

// Render writes role as the YAML document deploy/strata-clusterrole.yaml holds, with a header
// naming what it was generated from and the kinds left out.
func Render(role *rbacv1.ClusterRole, excluded []Excluded) ([]byte, error) {
	out, err := yaml.Marshal(role)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("# Generated from the inputs strata's checks declare (internal/clusterrole); do not edit.\n")
	b.WriteString("# Regenerate with `make golden`; test/deploy fails when this file is stale.\n")
	b.WriteString("# Read-only: get, list and watch on exactly the kinds some check reads.\n")
	for _, e := range excluded {
		fmt.Fprintf(&b, "# Not granted: %s (%s); the checks reading it are reported not-assessed.\n", kindName(e.Kind), e.Reason)
	}
	for _, line := range strings.SplitAfter(string(out), "\n") {
		if strings.TrimSpace(line) == "creationTimestamp: null" {
			continue
		}
		b.WriteString(line)
	}
	return []byte(b.String()), nil
}

func kindName(gk schema.GroupKind) string {
	if gk.Group == "" {
		return gk.Kind
	}
	return gk.Kind + "." + gk.Group
}
