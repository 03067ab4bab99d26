package rbac

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestBootstrapRolesFillManifestBindings(t *testing.T) {
	for _, name := range []string{"cluster-admin", "admin", "edit", "view", "system:discovery"} {
		cr, ok := BootstrapClusterRole(name)
		if !ok || (len(cr.Rules) == 0) {
			t.Fatalf("built-in %s missing or without rules", name)
		}
	}
	if _, ok := BootstrapClusterRole("my-team-role"); ok {
		t.Fatal("a custom name is not a built-in role")
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "ci-edit"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "edit"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: "ci", Name: "deployer"}},
	}
	custom := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "widgets-edit",
		Labels: map[string]string{"rbac.authorization.k8s.io/aggregate-to-edit": "true"}},
		Rules: []rbacv1.PolicyRule{{Verbs: []string{"update"}, APIGroups: []string{"example.com"}, Resources: []string{"widgets"}}}}
	g := Build(Options{}, nil, withBootstrap([]*rbacv1.ClusterRole{custom}), []*rbacv1.RoleBinding{rb}, nil)
	user, groups := UserInfo(Subject{Kind: "ServiceAccount", Namespace: "ci", Name: "deployer"})
	for _, tc := range []struct {
		r    Request
		want bool
	}{
		{Request{Verb: "create", APIGroup: "apps", Resource: "deployments", Namespace: "shop"}, true},
		{Request{Verb: "get", Resource: "secrets", Namespace: "shop"}, true},
		{Request{Verb: "update", APIGroup: "example.com", Resource: "widgets", Namespace: "shop"}, true}, // aggregated from the input
		{Request{Verb: "create", APIGroup: "rbac.authorization.k8s.io", Resource: "rolebindings", Namespace: "shop"}, false},
		{Request{Verb: "create", APIGroup: "apps", Resource: "deployments", Namespace: "prod"}, false},
	} {
		if got, _ := g.Allows(user, groups, tc.r); got != tc.want {
			t.Errorf("%+v: allowed %v, want %v", tc.r, got, tc.want)
		}
	}
}
