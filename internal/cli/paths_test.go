package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

const pathsWorld = "testdata/rbac/paths.yaml"

func TestPathsText(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		want    []string
		notWant []string
	}{
		{"every identity to cluster-admin", []string{pathsWorld},
			[]string{
				"sa:prod/builder -> cluster-admin (1 step(s))",
				"sa:ci/deployer -> cluster-admin (2 step(s))",
				"sa:ci/deployer -> sa:prod/builder: create deployments.apps in namespace prod running as it [RoleBinding prod/ci-deploy, Role prod/deploy rule 0]",
				"sa:prod/builder -> cluster-admin: holds every verb on every resource cluster-wide [ClusterRoleBinding builder-admin, ClusterRole cluster-admin rule 0]",
			},
			// The kube-system controller is part of Kubernetes; bob only reaches Secrets.
			[]string{"kube-system", "user:bob", "user:carol"}},
		{"one identity to secrets", []string{"--from", "user:bob", "--to", "secrets", pathsWorld},
			[]string{
				"user:bob -> secrets (2 step(s))",
				"user:bob -> sa:shop/web: exec into its pods in namespace shop [RoleBinding shop/bob-debug, Role shop/debugger rule 0]",
				"sa:shop/web -> secrets: read Secrets cluster-wide [ClusterRoleBinding web-secrets, ClusterRole secret-reader rule 0]",
			},
			[]string{"deployer", "builder"}},
		{"identity target", []string{"--to", "sa:prod/builder", pathsWorld},
			[]string{"sa:ci/deployer -> sa:prod/builder (1 step(s))"},
			[]string{"cluster-admin"}},
		{"no path", []string{"--from", "user:carol", pathsWorld},
			[]string{"no escalation path found"}, []string{"->"}},
		{"nodes through cluster-admin's nodes/proxy", []string{"--to", "nodes", pathsWorld},
			[]string{"sa:prod/builder -> nodes: call the kubelet API through nodes/proxy", "sa:ci/deployer -> nodes (2 step(s))"},
			[]string{"user:bob", "sa:shop/web"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := run(t, "", append([]string{"paths"}, tc.args...)...)
			if code != ExitOK {
				t.Fatalf("exit %d, stderr: %s", code, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestPathsJSON(t *testing.T) {
	out, errOut, code := run(t, "", "paths", "--from", "sa:ci/deployer", "--format", "json", pathsWorld)
	if code != ExitOK {
		t.Fatalf("exit %d, stderr: %s", code, errOut)
	}
	var got []struct {
		From  string `json:"from"`
		To    string `json:"to"`
		Steps []struct {
			From, To, Reason string
			Binding          struct{ Kind, Namespace, Name string }
			Role             struct{ Kind, Namespace, Name string }
			Rule             int
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(got) != 1 || got[0].From != "sa:ci/deployer" || got[0].To != "cluster-admin" || len(got[0].Steps) != 2 {
		t.Fatalf("paths: %+v", got)
	}
	s := got[0].Steps[0]
	if s.To != "sa:prod/builder" || s.Binding.Kind != "RoleBinding" || s.Binding.Namespace != "prod" ||
		s.Binding.Name != "ci-deploy" || s.Role.Name != "deploy" || s.Rule != 0 {
		t.Errorf("first step: %+v", s)
	}
	if got[0].Steps[1].Binding.Name != "builder-admin" || got[0].Steps[1].To != "cluster-admin" {
		t.Errorf("second step: %+v", got[0].Steps[1])
	}

	// No path is an empty list, never null.
	out, _, code = run(t, "", "paths", "--from", "user:carol", "--format", "json", pathsWorld)
	if code != ExitOK || strings.TrimSpace(out) != "[]" {
		t.Errorf("no path: exit %d, output %q", code, out)
	}
}

func TestPathsGraphFormats(t *testing.T) {
	for _, tc := range []struct {
		format, prefix string
		want           []string
	}{
		{"dot", "digraph", []string{`"user:bob" -> "sa:shop/web" [label="exec into its pods in namespace shop"];`,
			`"secrets" [label="secrets", shape=doubleoctagon];`}},
		{"mermaid", "flowchart", []string{`n0["user:bob"]`, `n0 -->|"exec into its pods in namespace shop"| n1`,
			`n1 -->|"read Secrets cluster-wide"| n2`}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			out, errOut, code := run(t, "", "paths", "--from", "user:bob", "--to", "secrets", "--format", tc.format, pathsWorld)
			if code != ExitOK {
				t.Fatalf("exit %d, stderr: %s", code, errOut)
			}
			if !strings.HasPrefix(out, tc.prefix) {
				t.Errorf("output does not start with %q:\n%s", tc.prefix, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestPathsStdin(t *testing.T) {
	world := `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dave-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: dave}
`
	out, errOut, code := run(t, world, "paths", "-")
	if code != ExitOK || !strings.Contains(out, "user:dave -> cluster-admin (1 step(s))") {
		t.Errorf("exit %d, output:\n%s\nstderr: %s", code, out, errOut)
	}
}

func TestPathsUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"bad from form", []string{"--from", "alice", pathsWorld}, "--from"},
		{"bad from kind", []string{"--from", "robot:x", pathsWorld}, "unknown kind"},
		{"bad to", []string{"--to", "root", pathsWorld}, "cluster-admin, secrets, nodes"},
		{"bad sa", []string{"--to", "sa:nonamespace", pathsWorld}, "sa:NAMESPACE/NAME"},
		{"unknown from subject", []string{"--from", "user:nobody", pathsWorld}, "subject user:nobody appears in no binding"},
		{"unknown to subject", []string{"--to", "sa:prod/ghost", pathsWorld}, "subject sa:prod/ghost appears in no binding"},
		{"target as from", []string{"--from", "group:ops", "--to", "secrets", pathsWorld}, "group:ops appears in no binding"},
		{"bad format", []string{"--format", "svg", pathsWorld}, `"svg"`},
		{"no input", nil, "needs at least one path"},
		{"cluster with paths", []string{"--cluster", pathsWorld}, "takes no paths"},
		{"namespace restriction", []string{"--cluster", "-n", "prod"}, "paths reads every namespace"},
		{"live flag without cluster", []string{"--context", "x", pathsWorld}, "add --cluster"},
		{"missing file", []string{"testdata/rbac/does-not-exist.yaml"}, "does-not-exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := run(t, "", append([]string{"paths"}, tc.args...)...)
			if code != ExitUsage {
				t.Fatalf("exit %d, want %d; stdout %s stderr %s", code, ExitUsage, out, errOut)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr lacks %q: %s", tc.want, errOut)
			}
			if out != "" {
				t.Errorf("stdout not empty on error: %s", out)
			}
		})
	}
}
