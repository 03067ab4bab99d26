package e2e

import (
	"os"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks"
	"github.com/strata-sec/strata/internal/inventory/live"
	"github.com/strata-sec/strata/test/cluster"
)

// TestGeneratedClusterRole applies deploy/strata-clusterrole.yaml to a real API server, binds it
// to a service account and loads the inventory of every check as that account: every kind the
// role names must exist in the server's discovery (a wrong plural would silently deny it), and
// the only kinds the account cannot read must be Secrets and kinds this server does not serve.
func TestGeneratedClusterRole(t *testing.T) {
	c := cluster.Get(t)
	ctx := t.Context()
	data, err := os.ReadFile("../../deploy/strata-clusterrole.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var role rbacv1.ClusterRole
	if err := yaml.UnmarshalStrict(data, &role); err != nil {
		t.Fatal(err)
	}
	role.Name = "e2e-strata-generated"
	admin := kubernetes.NewForConfigOrDie(c.AdminConfig())

	served := map[schema.GroupResource]bool{}
	_, lists, err := admin.Discovery().ServerGroupsAndResources()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lists {
		gv, _ := schema.ParseGroupVersion(l.GroupVersion)
		for _, r := range l.APIResources {
			served[schema.GroupResource{Group: gv.Group, Resource: r.Name}] = true
		}
	}
	for _, r := range role.Rules {
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				if g == "gateway.networking.k8s.io" {
					continue // Gateway API is a CRD the test cluster does not install.
				}
				if !served[schema.GroupResource{Group: g, Resource: res}] {
					t.Errorf("the role grants %s in group %q, which the API server does not serve", res, g)
				}
			}
		}
	}

	const ns, sa = "e2e-strata-role", "strata"
	if _, err := c.CreateNamespace(ctx, ns, nil); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	if _, err := admin.RbacV1().ClusterRoles().Create(ctx, &role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: role.Name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: sa, Namespace: ns}},
	}
	if _, err := admin.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = admin.RbacV1().ClusterRoleBindings().Delete(ctx, binding.Name, metav1.DeleteOptions{})
		_ = admin.RbacV1().ClusterRoles().Delete(ctx, role.Name, metav1.DeleteOptions{})
	})

	reg, err := checks.Registry()
	if err != nil {
		t.Fatal(err)
	}
	cfg := rest.CopyConfig(c.AdminConfig())
	cfg.Impersonate = rest.ImpersonationConfig{UserName: "system:serviceaccount:" + ns + ":" + sa}
	res, err := live.Load(ctx, cfg, live.Options{Kinds: check.InputsOf(reg.All())})
	if err != nil {
		t.Fatal(err)
	}
	for gk, reason := range res.Denied {
		switch {
		case gk == (schema.GroupKind{Kind: "Secret"}):
		case gk.Group == "gateway.networking.k8s.io" || gk.Group == "strata.dev":
			// Gateway API is not installed; strata.dev kinds are strata's own, never served.
		default:
			t.Errorf("the generated role cannot read %s: %s", gk, reason)
		}
	}
	if _, ok := res.Denied[schema.GroupKind{Kind: "Secret"}]; !ok {
		t.Error("the service account could list Secrets: the role must not grant them")
	}
	if res.Info == nil || res.Info.GitVersion == "" {
		t.Error("the role does not let strata read /version")
	}
}
