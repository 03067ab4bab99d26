package rbac

import (
	"cmp"
	"maps"
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// aggregate returns every ClusterRole's effective rules by name, and the aggregated roles whose
// stored rules differ from the computed ones.
//
// The aggregation controller sets an aggregated role's rules to the union, without exact
// duplicates, of the rules of the ClusterRoles its selectors match (itself excluded), taken
// selector by selector and role by role in name order. It reads the selected roles' stored
// rules, so aggregation through aggregated roles converges over several passes; computing
// until nothing changes gives the state the controller reaches. With stored true (a live
// cluster) the stored rules are what the authorizer uses, so they stay effective and the
// computed rules only feed the diff.
func aggregate(clusterRoles []*rbacv1.ClusterRole, stored bool) (map[string][]rbacv1.PolicyRule, []AggregationDiff) {
	sorted := slices.SortedFunc(slices.Values(clusterRoles), func(a, b *rbacv1.ClusterRole) int { return cmp.Compare(a.Name, b.Name) })
	current := make(map[string][]rbacv1.PolicyRule, len(sorted))
	var aggregated []*rbacv1.ClusterRole
	selectors := map[string][]labels.Selector{}
	invalid := map[string]bool{}
	for _, cr := range sorted {
		current[cr.Name] = cr.Rules
		if cr.AggregationRule == nil {
			continue
		}
		aggregated = append(aggregated, cr)
		for i := range cr.AggregationRule.ClusterRoleSelectors {
			sel, err := metav1.LabelSelectorAsSelector(&cr.AggregationRule.ClusterRoleSelectors[i])
			if err != nil {
				// The controller gives up on a role with an invalid selector and leaves its rules.
				invalid[cr.Name] = true
				break
			}
			selectors[cr.Name] = append(selectors[cr.Name], sel)
		}
	}
	computed := maps.Clone(current)
	// Each pass lets rules travel one more aggregation level; len(aggregated)+1 passes reach
	// the fixed point of any chain, and cycles only grow to their union.
	for range len(aggregated) + 1 {
		changed := false
		for _, cr := range aggregated {
			if invalid[cr.Name] {
				continue
			}
			rules := unionSelected(cr.Name, selectors[cr.Name], sorted, computed)
			if !equality.Semantic.DeepEqual(rules, computed[cr.Name]) {
				computed[cr.Name], changed = rules, true
			}
		}
		if !changed {
			break
		}
	}
	if !stored {
		// Manifests rarely carry an aggregated role's rules; the computed ones are the answer.
		return computed, nil
	}
	var diffs []AggregationDiff
	for _, cr := range aggregated {
		if !equality.Semantic.DeepEqual(normalize(cr.Rules), normalize(computed[cr.Name])) {
			diffs = append(diffs, AggregationDiff{Role: roleRef("ClusterRole", "", cr.Name), Stored: cr.Rules, Computed: computed[cr.Name]})
		}
	}
	return current, diffs
}

func unionSelected(self string, sels []labels.Selector, sorted []*rbacv1.ClusterRole, rules map[string][]rbacv1.PolicyRule) []rbacv1.PolicyRule {
	out := []rbacv1.PolicyRule{}
	for _, sel := range sels {
		for _, cr := range sorted {
			if cr.Name == self || !sel.Matches(labels.Set(cr.Labels)) {
				continue
			}
			for _, r := range rules[cr.Name] {
				if !slices.ContainsFunc(out, func(have rbacv1.PolicyRule) bool { return equality.Semantic.DeepEqual(have, r) }) {
					out = append(out, r)
				}
			}
		}
	}
	return out
}

// normalize treats nil and empty rule lists alike when comparing stored and computed rules.
func normalize(rules []rbacv1.PolicyRule) []rbacv1.PolicyRule {
	if len(rules) == 0 {
		return nil
	}
	return rules
}
