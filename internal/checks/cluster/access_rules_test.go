package cluster

import (
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/rbac"
)

func policyRule(verbs, groups, resources, names, urls []string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources, ResourceNames: names, NonResourceURLs: urls}
}

func strs(xs ...string) []string { return xs }

func TestRuleReach(t *testing.T) {
	cluster := ruleScope{clusterWide: true}
	kubePublic := ruleScope{namespace: "kube-public"}
	shop := ruleScope{namespace: "shop"}
	tests := []struct {
		name   string
		rule   rbacv1.PolicyRule
		scope  ruleScope
		want   reach
		beyond string
	}{
		{"no verbs", policyRule(nil, strs(""), strs("pods"), nil, nil), cluster, reachNone, ""},
		{"resources without groups", policyRule(strs("get"), nil, strs("pods"), nil, nil), cluster, reachNone, ""},
		{"public info viewer", policyRule(strs("get"), nil, nil, nil, strs("/healthz", "/livez", "/readyz", "/version", "/version/")), cluster, reachPublic, ""},
		{"oidc discovery", policyRule(strs("get"), nil, nil, nil, strs("/.well-known/openid-configuration", "/openid/v1/jwks")), cluster, reachPublic, ""},
		{"system:discovery", policyRule(strs("get"), nil, nil, nil, strs("/api", "/api/*", "/apis", "/apis/*", "/openapi", "/openapi/*", "/version")), cluster, reachDiscovery, ""},
		{"group version document", policyRule(strs("get"), nil, nil, nil, strs("/apis/apps/v1")), cluster, reachDiscovery, ""},
		{"individual health checks", policyRule(strs("get"), nil, nil, nil, strs("/healthz/*", "/readyz/etcd")), cluster, reachDiscovery, ""},
		{"prefix wider than discovery", policyRule(strs("get"), nil, nil, nil, strs("/a*")), cluster, reachBeyond, "get /a*"},
		{"every url", policyRule(strs("*"), nil, nil, nil, strs("*")), cluster, reachBeyond, "every verb on every non-resource URL"},
		{"metrics", policyRule(strs("get"), nil, nil, nil, strs("/metrics")), cluster, reachBeyond, "get /metrics"},
		{"logs through a prefix", policyRule(strs("get"), nil, nil, nil, strs("/logs/*")), cluster, reachBeyond, "get /logs/*"},
		{"non-resource URLs through a RoleBinding grant nothing", policyRule(strs("get"), nil, nil, nil, strs("/metrics")), shop, reachNone, ""},
		{"basic user", policyRule(strs("create"), strs("authorization.k8s.io"), strs("selfsubjectaccessreviews", "selfsubjectrulesreviews"), nil, nil), cluster, reachDiscovery, ""},
		{"self review in the wrong group", policyRule(strs("create"), strs("authentication.k8s.io"), strs("selfsubjectaccessreviews"), nil, nil), cluster, reachBeyond, "create selfsubjectaccessreviews.authentication.k8s.io"},
		{"self review read", policyRule(strs("list"), strs("authorization.k8s.io"), strs("selfsubjectaccessreviews"), nil, nil), cluster, reachBeyond, "list selfsubjectaccessreviews.authorization.k8s.io"},
		{"subject access review is not self", policyRule(strs("create"), strs("authorization.k8s.io"), strs("subjectaccessreviews"), nil, nil), cluster, reachBeyond, "create subjectaccessreviews.authorization.k8s.io"},
		{"trust bundles", policyRule(strs("get", "list", "watch"), strs("certificates.k8s.io"), strs("clustertrustbundles"), nil, nil), cluster, reachDiscovery, ""},
		{"kubeadm cluster-info", policyRule(strs("get"), strs(""), strs("configmaps"), strs("cluster-info"), nil), kubePublic, reachPublic, ""},
		{"cluster-info from a ClusterRoleBinding", policyRule(strs("get"), strs(""), strs("configmaps"), strs("cluster-info"), nil), cluster, reachBeyond, "get configmaps"},
		{"cluster-info in another namespace", policyRule(strs("get"), strs(""), strs("configmaps"), strs("cluster-info"), nil), shop, reachBeyond, "get configmaps"},
		{"every configmap in kube-public", policyRule(strs("get"), strs(""), strs("configmaps"), nil, nil), kubePublic, reachBeyond, "get configmaps"},
		{"cluster-info and another name", policyRule(strs("get"), strs(""), strs("configmaps"), strs("cluster-info", "kubeadm-config"), nil), kubePublic, reachBeyond, "get configmaps"},
		{"cluster-info list", policyRule(strs("get", "list"), strs(""), strs("configmaps"), strs("cluster-info"), nil), kubePublic, reachBeyond, "list configmaps"},
		{"wildcard verb on a limited resource", policyRule(strs("*"), strs("authorization.k8s.io"), strs("selfsubjectaccessreviews"), nil, nil), cluster, reachBeyond, "every verb on selfsubjectaccessreviews.authorization.k8s.io"},
		{"wildcard group", policyRule(strs("create"), strs("*"), strs("selfsubjectaccessreviews"), nil, nil), cluster, reachBeyond, "create selfsubjectaccessreviews in every API group"},
		{"wildcard resource", policyRule(strs("get"), strs(""), strs("*"), nil, nil), cluster, reachBeyond, "get every core resource"},
		{"cluster-admin", policyRule(strs("*"), strs("*"), strs("*"), nil, nil), cluster, reachBeyond, "every verb on every resource in every API group"},
		{"read pods", policyRule(strs("get", "list", "watch"), strs(""), strs("pods", "pods/log"), nil, nil), shop, reachBeyond, "get, list, watch pods; get, list, watch pods/log"},
	}
	for _, tt := range tests {
		got, beyond := ruleReach(tt.rule, tt.scope)
		if got != tt.want || strings.Join(beyond, "; ") != tt.beyond {
			t.Errorf("%s: ruleReach = %v %q, want %v %q", tt.name, got, beyond, tt.want, tt.beyond)
		}
	}
}

func TestRulesReachTakesTheWidestRule(t *testing.T) {
	rules := []rbacv1.PolicyRule{
		policyRule(strs("get"), nil, nil, nil, strs("/healthz")),
		policyRule(strs("get"), nil, nil, nil, strs("/api")),
		policyRule(strs("list"), strs(""), strs("secrets"), nil, nil),
		policyRule(strs("list"), strs(""), strs("secrets"), nil, nil),
	}
	got, beyond := rulesReach(rules, ruleScope{clusterWide: true})
	if got != reachBeyond || len(beyond) != 1 || beyond[0] != "list secrets" {
		t.Errorf("rulesReach = %v %q, want beyond with one deduplicated description", got, beyond)
	}
	if got, _ := rulesReach(rules[:2], ruleScope{clusterWide: true}); got != reachDiscovery {
		t.Errorf("health and /api: %v, want discovery", got)
	}
	if got := summarize(strs("a", "b", "c", "d", "e")); got != "a; b; c; and 2 more" {
		t.Errorf("summarize = %q", got)
	}
}

func testRBACObject(kind string, obj runtime.Object, m metav1.Object) *check.Object {
	return &check.Object{Ref: check.Ref{APIVersion: "rbac.authorization.k8s.io/v1", Kind: kind, Namespace: m.GetNamespace(), Name: m.GetName()}, Obj: obj, Meta: m}
}

func testCRB(name, role string, subjects ...rbacv1.Subject) *check.Object {
	b := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role}, Subjects: subjects}
	return testRBACObject("ClusterRoleBinding", b, b)
}

func testClusterRole(name string, labels map[string]string, agg *rbacv1.AggregationRule, rules ...rbacv1.PolicyRule) *check.Object {
	r := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, AggregationRule: agg, Rules: rules}
	return testRBACObject("ClusterRole", r, r)
}

var testAuthenticated = rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: "system:authenticated"}

// TestBindingGrants resolves roles the way the checks do: aggregated ClusterRoles pick up the
// rules of the roles they select, bootstrap roles missing from the input come from the table,
// and anything else missing is assumed to grant anything.
func TestBindingGrants(t *testing.T) {
	agg := &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"example.com/aggregate-to-reader": "true"}}}}
	inv := inventory.NewIndex([]*check.Object{
		testClusterRole("reader", nil, agg),
		testClusterRole("secret-part", map[string]string{"example.com/aggregate-to-reader": "true"}, nil, policyRule(strs("list"), strs(""), strs("secrets"), nil, nil)),
		testClusterRole("unrelated", map[string]string{"example.com/aggregate-to-reader": "false"}, nil, policyRule(strs("delete"), strs(""), strs("pods"), nil, nil)),
		testCRB("a", "reader", testAuthenticated),
		testCRB("b", "system:public-info-viewer", testAuthenticated),
		testCRB("c", "does-not-exist", testAuthenticated),
		testCRB("d", "edit", testAuthenticated),
	})
	want := map[string]string{
		"a": "more than discovery: it grants list secrets",
		"b": "public information: it grants public information",
		"c": "more than discovery: ClusterRole does-not-exist is not in the input, so it is assumed to grant anything",
		"d": "more than discovery: it grants get, list, watch pods/attach; get, list, watch pods/exec; get, list, watch pods/portforward; and 107 more",
	}
	rg, err := rbac.FromInventory(inv)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range rbacBindings(inv) {
		g, err := b.grant(rg)
		if err != nil {
			t.Fatal(err)
		}
		if got := g.reach.String() + ": " + g.what(); got != want[b.obj.Ref.Name] {
			t.Errorf("binding %s: %q, want %q", b.obj.Ref.Name, got, want[b.obj.Ref.Name])
		}
	}
}

func TestSubjectViolationRemovesFromTheEnd(t *testing.T) {
	o := testCRB("x", "view",
		rbacv1.Subject{Kind: rbacv1.GroupKind, Name: "system:unauthenticated"},
		rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "system:anonymous", Namespace: "default"},
		rbacv1.Subject{Kind: rbacv1.UserKind, Name: "system:anonymous"})
	b := rbacBindings(inventory.NewIndex([]*check.Object{o}))[0]
	idx := b.subjectsNamed(anonymousUsers, anonymousGroups)
	if len(idx) != 2 || idx[0] != 0 || idx[1] != 2 {
		t.Fatalf("subjectsNamed = %v, want [0 2] (a service account named system:anonymous is not the user)", idx)
	}
	v := b.subjectViolation(idx, "m")
	if v.Path.String() != "subjects[0]" || len(v.Fix) != 2 || v.Fix[0].Path != "/subjects/2" || v.Fix[1].Path != "/subjects/0" {
		t.Errorf("violation %s fix %+v", v.Path, v.Fix)
	}
}
