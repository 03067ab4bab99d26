package rbac

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestGraphBindingSemantics(t *testing.T) {
	read := []rbacv1.PolicyRule{rule(s("get"), s(""), s("pods"), nil), urlRule(s("get"), s("/metrics"))}
	roles := []*rbacv1.Role{{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "r"}, Rules: read[:1]}}
	crs := []*rbacv1.ClusterRole{{ObjectMeta: metav1.ObjectMeta{Name: "c"}, Rules: read}}
	sa := func(ns, name string) rbacv1.Subject {
		return rbacv1.Subject{Kind: KindServiceAccount, Namespace: ns, Name: name}
	}
	rbs := []*rbacv1.RoleBinding{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "local"}, RoleRef: rbacv1.RoleRef{Kind: "Role", Name: "r"}, Subjects: []rbacv1.Subject{sa("", "x")}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "b", Name: "other-ns-role"}, RoleRef: rbacv1.RoleRef{Kind: "Role", Name: "r"}, Subjects: []rbacv1.Subject{sa("b", "y")}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "b", Name: "cluster-role"}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "c"}, Subjects: []rbacv1.Subject{sa("a", "z")}},
	}
	crbs := []*rbacv1.ClusterRoleBinding{
		{ObjectMeta: metav1.ObjectMeta{Name: "no-ns-sa"}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "c"}, Subjects: []rbacv1.Subject{sa("", "w")}},
		{ObjectMeta: metav1.ObjectMeta{Name: "group"}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "c"}, Subjects: []rbacv1.Subject{{Kind: KindGroup, Name: "devs"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "missing"}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "nope"}, Subjects: []rbacv1.Subject{{Kind: KindUser, Name: "u"}}},
	}
	g := New(roles, crs, rbs, crbs)
	pods := func(ns string) Request { return Request{Verb: "get", Resource: "pods", Namespace: ns} }
	metrics := Request{Verb: "get", NonResourceURL: "/metrics"}
	for _, tc := range []struct {
		name string
		s    Subject
		req  Request
		want bool
	}{
		{"sa subject defaults to the binding namespace", Subject{Kind: KindServiceAccount, Namespace: "a", Name: "x"}, pods("a"), true},
		{"rolebinding only in its namespace", Subject{Kind: KindServiceAccount, Namespace: "a", Name: "x"}, pods("b"), false},
		{"rolebinding never cluster-wide", Subject{Kind: KindServiceAccount, Namespace: "a", Name: "x"}, pods(""), false},
		{"role from another namespace grants nothing", Subject{Kind: KindServiceAccount, Namespace: "b", Name: "y"}, pods("b"), false},
		{"rolebinding to clusterrole in its namespace", Subject{Kind: KindServiceAccount, Namespace: "a", Name: "z"}, pods("b"), true},
		{"rolebinding to clusterrole not elsewhere", Subject{Kind: KindServiceAccount, Namespace: "a", Name: "z"}, pods("a"), false},
		{"rolebinding never grants urls", Subject{Kind: KindServiceAccount, Namespace: "a", Name: "z"}, metrics, false},
		{"sa without namespace in a clusterrolebinding matches no one", Subject{Kind: KindServiceAccount, Namespace: "default", Name: "w"}, pods("default"), false},
		{"group grants everywhere", Subject{Kind: KindGroup, Name: "devs"}, pods("q"), true},
		{"group grants urls", Subject{Kind: KindGroup, Name: "devs"}, metrics, true},
		{"missing role grants nothing", Subject{Kind: KindUser, Name: "u"}, pods("a"), false},
	} {
		user, groups := UserInfo(tc.s)
		if got, grants := g.Allows(user, groups, tc.req); got != tc.want {
			t.Errorf("%s: Allows = %v (%+v), want %v", tc.name, got, grants, tc.want)
		}
		found := false
		for _, sg := range g.WhoCan(tc.req) {
			found = found || sg.Subject == tc.s
		}
		if found != tc.want {
			t.Errorf("%s: WhoCan lists subject = %v, want %v", tc.name, found, tc.want)
		}
	}
	if d := g.Dangling(); len(d) != 2 || d[0].Binding.Name != "missing" || d[1].Binding.Name != "other-ns-role" {
		t.Errorf("Dangling = %+v", d)
	}
	if got := g.Access(Subject{Kind: KindGroup, Name: "devs"}); len(got) != 2 || got[0].Via.Name != "devs" || got[0].Namespace != "" {
		t.Errorf("Access(devs) = %+v", got)
	}
}

func TestAggregationChainsAndStored(t *testing.T) {
	lbl := func(v string) map[string]string { return map[string]string{"agg": v} }
	sel := func(v string) *rbacv1.AggregationRule {
		return &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: lbl(v)}}}
	}
	r1 := rule(s("get"), s(""), s("pods"), nil)
	crs := []*rbacv1.ClusterRole{
		{ObjectMeta: metav1.ObjectMeta{Name: "top"}, AggregationRule: sel("mid")},
		{ObjectMeta: metav1.ObjectMeta{Name: "mid", Labels: lbl("mid")}, AggregationRule: sel("leaf")},
		{ObjectMeta: metav1.ObjectMeta{Name: "leaf", Labels: lbl("leaf")}, Rules: []rbacv1.PolicyRule{r1, r1}},
	}
	g := New(nil, crs, nil, nil)
	if top, _ := g.Rules(roleRef("ClusterRole", "", "top")); len(top) != 1 {
		t.Errorf("top = %+v, want the leaf rule once, through mid", top)
	}
	live := Build(Options{StoredAggregation: true}, nil, crs, nil, nil)
	if top, _ := live.Rules(roleRef("ClusterRole", "", "top")); len(top) != 0 {
		t.Errorf("stored aggregation used computed rules: %+v", top)
	}
	if d := live.AggregationDiffs(); len(d) != 2 {
		t.Errorf("AggregationDiffs = %+v, want top and mid", d)
	}
}
