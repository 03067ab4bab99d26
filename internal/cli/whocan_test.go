package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/strata-sec/strata/internal/rbac"
	"github.com/strata-sec/strata/test/cluster"
)

const rbacWorld = "testdata/rbac/world.yaml"

func runRBAC(t *testing.T, ctor func(IOStreams) *cobra.Command, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := ctor(IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErrorf("%v", err) })
	err := cmd.ExecuteContext(context.Background())
	if err != nil {
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), exitCode(err)
}

func TestWhoCanManifests(t *testing.T) {
	out, stderr, code := runRBAC(t, NewWhoCanCommand, "get", "secrets", "-n", "team-a", rbacWorld)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"sa:team-a/reader", "namespace team-a", "RoleBinding/team-a/reader", "Role/team-a/secret-reader", "user:alice", "cluster-wide", "system:masters"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = runRBAC(t, NewWhoCanCommand, "get", "secrets", "-n", "team-b", rbacWorld)
	if strings.Contains(out, "sa:team-a/reader") {
		t.Errorf("a RoleBinding in team-a granted in team-b:\n%s", out)
	}

	// The aggregated ClusterRole ops gets ops-deploy's rules; "deployments" means apps.
	out, _, _ = runRBAC(t, NewWhoCanCommand, "patch", "deployments", "-n", "x", "--format", "json", rbacWorld)
	var res whoCanJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	var names []string
	for _, sg := range res.Subjects {
		names = append(names, sg.Subject.String())
	}
	if res.Request.APIGroup != "apps" || strings.Join(names, " ") != "group:ops user:alice" {
		t.Errorf("request %+v, subjects %v", res.Request, names)
	}

	// resourceNames: exec into "debug" only.
	out, _, _ = runRBAC(t, NewWhoCanCommand, "create", "pods/exec", "-n", "team-a", "--name", "debug", rbacWorld)
	if !strings.Contains(out, "sa:team-a/reader") || !strings.Contains(out, "names=debug") {
		t.Errorf("named exec grant missing:\n%s", out)
	}
	out, _, _ = runRBAC(t, NewWhoCanCommand, "create", "pods/exec", "-n", "team-a", rbacWorld)
	if strings.Contains(out, "sa:team-a/reader") {
		t.Errorf("named grant matched a request without a name:\n%s", out)
	}
	out, _, _ = runRBAC(t, NewWhoCanCommand, "get", "/metrics", rbacWorld)
	if !strings.Contains(out, "group:ops") || strings.Contains(out, "sa:team-a") {
		t.Errorf("non-resource URL:\n%s", out)
	}
}

func TestAccessManifests(t *testing.T) {
	out, stderr, code := runRBAC(t, NewAccessCommand, "sa:team-a/reader", "--format", "json", rbacWorld)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res accessJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	var cats []string
	for _, g := range res.Grants {
		cats = append(cats, string(g.Category))
	}
	if res.User != "system:serviceaccount:team-a:reader" || strings.Join(cats, ";") != "exec/attach/portforward;secrets read" {
		t.Errorf("user %q, categories %v", res.User, cats)
	}
	out, _, _ = runRBAC(t, NewAccessCommand, "user:alice", rbacWorld)
	if !strings.Contains(out, string(rbac.CategoryClusterAdmin)) || !strings.Contains(out, "ClusterRoleBinding/root") {
		t.Errorf("alice:\n%s", out)
	}
	out, _, _ = runRBAC(t, NewAccessCommand, "user:nobody", rbacWorld)
	if !strings.Contains(out, "no RBAC rule applies") {
		t.Errorf("nobody:\n%s", out)
	}
}

func TestRBACCommandsUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		ctor func(IOStreams) *cobra.Command
		args []string
	}{
		{NewAccessCommand, []string{"robot:x", rbacWorld}},
		{NewAccessCommand, []string{"alice", rbacWorld}},
		{NewAccessCommand, []string{"sa:default", rbacWorld}},
		{NewAccessCommand, []string{"user:alice"}},
		{NewAccessCommand, []string{"user:alice", "--format", "xml", rbacWorld}},
		{NewAccessCommand, []string{"user:alice", "--context", "x", rbacWorld}},
		{NewWhoCanCommand, []string{"get"}},
		{NewWhoCanCommand, []string{"get", "pods"}},
		{NewWhoCanCommand, []string{"get", "/metrics", "-n", "a", rbacWorld}},
		{NewWhoCanCommand, []string{"get", "deployments.apps", "--api-group", "batch", rbacWorld}},
		{NewWhoCanCommand, []string{"get", "pods/a/b", rbacWorld}},
		{NewWhoCanCommand, []string{"get", "pods", "--cluster", rbacWorld}},
		{NewWhoCanCommand, []string{"get", "pods", "testdata/rbac/missing.yaml"}},
	} {
		if _, stderr, code := runRBAC(t, tc.ctor, tc.args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2 (%s)", tc.args, code, stderr)
		}
	}
}

// TestWhoCanLiveCluster runs who-can and access against a real kube-apiserver's bootstrap
// policy plus one role and binding. (The package's cluster runs no controller manager, so the
// bootstrap aggregated roles admin/edit/view hold no rules there, and who-can says so.)
func TestWhoCanLiveCluster(t *testing.T) {
	c := cluster.Get(t)
	admin := kubernetes.NewForConfigOrDie(c.AdminConfig())
	cr := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "whocan-live"}, Rules: []rbacv1.PolicyRule{
		{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"pods/exec"}},
		{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"secrets"}},
		{Verbs: []string{"create"}, APIGroups: []string{"apps"}, Resources: []string{"deployments"}},
	}}
	if _, err := admin.RbacV1().ClusterRoles().Create(t.Context(), cr, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "whocan-live"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "whocan-live"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "deployer", Namespace: "default"}},
	}
	if _, err := admin.RbacV1().RoleBindings("default").Create(t.Context(), rb, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runRBAC(t, NewWhoCanCommand, "create", "pods/exec", "-n", "default", "--cluster", "--kubeconfig", c.AdminKubeconfig())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "sa:default/deployer") || !strings.Contains(out, "RoleBinding/default/whocan-live") || !strings.Contains(out, "group:system:masters") {
		t.Errorf("who-can output:\n%s", out)
	}
	out, stderr, code = runRBAC(t, NewAccessCommand, "sa:default/deployer", "--cluster", "--kubeconfig", c.AdminKubeconfig(), "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res accessJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	cats := map[rbac.Category]bool{}
	for _, g := range res.Grants {
		cats[g.Category] = true
	}
	if !cats[rbac.CategoryExec] || !cats[rbac.CategorySecretsRead] || !cats[rbac.CategoryWorkload] || cats[rbac.CategoryClusterAdmin] {
		t.Errorf("categories: %v", cats)
	}
}
