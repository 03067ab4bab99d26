package rbac

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
)

func rule(verbs, groups, resources, names []string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources, ResourceNames: names}
}

func urlRule(verbs, urls []string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, NonResourceURLs: urls}
}

func s(v ...string) []string { return v }

func TestRuleAllows(t *testing.T) {
	pods := Request{Verb: "get", Resource: "pods", Namespace: "a", Name: "p"}
	exec := Request{Verb: "create", Resource: "pods", Subresource: "exec", Namespace: "a", Name: "p"}
	for _, tc := range []struct {
		name string
		rule rbacv1.PolicyRule
		req  Request
		want bool
	}{
		{"exact", rule(s("get"), s(""), s("pods"), nil), pods, true},
		{"verb differs", rule(s("list"), s(""), s("pods"), nil), pods, false},
		{"verb wildcard", rule(s("*"), s(""), s("pods"), nil), pods, true},
		{"verb wildcard only whole", rule(s("g*"), s(""), s("pods"), nil), pods, false},
		{"verb case sensitive", rule(s("GET"), s(""), s("pods"), nil), pods, false},
		{"no verbs", rule(nil, s(""), s("pods"), nil), pods, false},
		{"group differs", rule(s("get"), s("apps"), s("pods"), nil), pods, false},
		{"group wildcard", rule(s("get"), s("*"), s("pods"), nil), pods, true},
		{"no groups", rule(s("get"), nil, s("pods"), nil), pods, false},
		{"group among several", rule(s("get"), s("apps", ""), s("pods"), nil), pods, true},
		{"resource wildcard", rule(s("get"), s(""), s("*"), nil), pods, true},
		{"resource differs", rule(s("get"), s(""), s("secrets"), nil), pods, false},
		{"resource prefix wildcard is literal", rule(s("get"), s(""), s("po*"), nil), pods, false},
		{"no resources", rule(s("get"), s(""), nil, nil), pods, false},
		{"resource wildcard covers subresources", rule(s("create"), s(""), s("*"), nil), exec, true},
		{"resource does not cover subresource", rule(s("create"), s(""), s("pods"), nil), exec, false},
		{"combined subresource", rule(s("create"), s(""), s("pods/exec"), nil), exec, true},
		{"other subresource", rule(s("create"), s(""), s("pods/attach"), nil), exec, false},
		{"star slash subresource", rule(s("create"), s(""), s("*/exec"), nil), exec, true},
		{"star slash other subresource", rule(s("create"), s(""), s("*/log"), nil), exec, false},
		{"star slash subresource suffix only", rule(s("create"), s(""), s("*/xexec"), nil), exec, false},
		{"star slash without subresource request", rule(s("get"), s(""), s("*/exec"), nil), pods, false},
		{"pods/* is literal", rule(s("create"), s(""), s("pods/*"), nil), exec, false},
		{"subresource rule does not cover parent", rule(s("get"), s(""), s("pods/exec"), nil), pods, false},
		{"resource name matches", rule(s("get"), s(""), s("pods"), s("p")), pods, true},
		{"resource name among several", rule(s("get"), s(""), s("pods"), s("q", "p")), pods, true},
		{"resource name differs", rule(s("get"), s(""), s("pods"), s("q")), pods, false},
		{"resource name never matches list", rule(s("list"), s(""), s("pods"), s("p")), Request{Verb: "list", Resource: "pods", Namespace: "a"}, false},
		{"resource name never matches create", rule(s("create"), s(""), s("pods"), s("p")), Request{Verb: "create", Resource: "pods", Namespace: "a"}, false},
		{"resource name with subresource", rule(s("create"), s(""), s("pods/exec"), s("p")), exec, true},
		{"resource name not a wildcard", rule(s("get"), s(""), s("pods"), s("*")), pods, false},
		{"url exact", urlRule(s("get"), s("/healthz")), Request{Verb: "get", NonResourceURL: "/healthz"}, true},
		{"url differs", urlRule(s("get"), s("/healthz")), Request{Verb: "get", NonResourceURL: "/healthz/etcd"}, false},
		{"url prefix", urlRule(s("get"), s("/healthz/*")), Request{Verb: "get", NonResourceURL: "/healthz/etcd"}, true},
		{"url prefix needs slash", urlRule(s("get"), s("/healthz/*")), Request{Verb: "get", NonResourceURL: "/healthz"}, false},
		{"url prefix without slash", urlRule(s("get"), s("/health*")), Request{Verb: "get", NonResourceURL: "/healthz"}, true},
		{"url star", urlRule(s("get"), s("*")), Request{Verb: "get", NonResourceURL: "/metrics"}, true},
		{"url double star trimmed", urlRule(s("get"), s("/api**")), Request{Verb: "get", NonResourceURL: "/apis"}, true},
		{"url verb", urlRule(s("post"), s("/metrics")), Request{Verb: "get", NonResourceURL: "/metrics"}, false},
		{"url rule ignores resources", rule(s("get"), s("*"), s("*"), nil), Request{Verb: "get", NonResourceURL: "/metrics"}, false},
		{"resource request ignores urls", urlRule(s("*"), s("*")), pods, false},
		{"mixed rule serves both", rbacv1.PolicyRule{Verbs: s("get"), APIGroups: s(""), Resources: s("pods"), NonResourceURLs: s("/x")}, Request{Verb: "get", NonResourceURL: "/x"}, true},
	} {
		if got := RuleAllows(&tc.rule, tc.req); got != tc.want {
			t.Errorf("%s: RuleAllows(%+v, %+v) = %v, want %v", tc.name, tc.rule, tc.req, got, tc.want)
		}
	}
}

func TestParseSubjectAndUserInfo(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   Subject
		user   string
		groups []string
	}{
		{"user:alice", Subject{Kind: KindUser, Name: "alice"}, "alice", s(GroupAuthenticated)},
		{"user:system:anonymous", Subject{Kind: KindUser, Name: AnonymousUser}, AnonymousUser, s(GroupUnauthenticated)},
		{"group:devs", Subject{Kind: KindGroup, Name: "devs"}, "", s("devs", GroupAuthenticated)},
		{"group:system:unauthenticated", Subject{Kind: KindGroup, Name: GroupUnauthenticated}, "", s(GroupUnauthenticated)},
		{"sa:kube-system/builder", Subject{Kind: KindServiceAccount, Namespace: "kube-system", Name: "builder"},
			"system:serviceaccount:kube-system:builder", s(GroupServiceAccounts, "system:serviceaccounts:kube-system", GroupAuthenticated)},
	} {
		got, err := ParseSubject(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseSubject(%q) = %+v, %v", tc.in, got, err)
			continue
		}
		if got.String() != tc.in {
			t.Errorf("String() = %q, want %q", got.String(), tc.in)
		}
		user, groups := UserInfo(got)
		if user != tc.user || !equalStrings(groups, tc.groups) {
			t.Errorf("UserInfo(%v) = %q %q, want %q %q", got, user, groups, tc.user, tc.groups)
		}
	}
	for _, bad := range []string{"alice", "user:", "sa:default", "sa:Bad_NS/x", "sa:ns/", "sa:ns/a/b", "robot:x", ":x"} {
		if _, err := ParseSubject(bad); err == nil {
			t.Errorf("ParseSubject(%q) accepted", bad)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		rule rbacv1.PolicyRule
		want Category
	}{
		{rule(s("*"), s("*"), s("*"), nil), CategoryClusterAdmin},
		{rule(s("get"), s("*"), s("*"), nil), CategoryNodesProxy}, // get nodes/proxy reaches the kubelet API
		{rule(s("get"), s(""), s("secrets"), s("one")), CategorySecretsRead},
		{rule(s("bind"), s("rbac.authorization.k8s.io"), s("clusterroles"), nil), CategoryEscalate},
		{rule(s("impersonate"), s(""), s("serviceaccounts"), nil), CategoryEscalate},
		{rule(s("get"), s(""), s("nodes/proxy"), nil), CategoryNodesProxy},
		{rule(s("create"), s(""), s("serviceaccounts/token"), nil), CategoryTokenCreate},
		{rule(s("create"), s(""), s("*/exec"), nil), CategoryExec},
		{rule(s("create"), s("apps"), s("deployments"), nil), CategoryWorkload},
		{rule(s("create"), s("apps"), s("deployments/scale"), nil), CategoryOther},
		{rule(s("list"), s(""), s("pods"), nil), CategoryOther},
		{urlRule(s("*"), s("*")), CategoryOther},
	} {
		if got := Classify(tc.rule); got != tc.want {
			t.Errorf("Classify(%+v) = %s, want %s", tc.rule, got, tc.want)
		}
	}
}
