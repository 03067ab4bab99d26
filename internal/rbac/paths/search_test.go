package paths

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// A CI deployer in ci can create pods in prod, where the builder account holds a
// ClusterRoleBinding to cluster-admin; a kube-system controller with the same power is system.
const chain = world + `
apiVersion: v1
kind: ServiceAccount
metadata: {name: deployer, namespace: ci}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deploy, namespace: prod}
rules:
- {apiGroups: [apps], resources: [deployments], verbs: [create, update]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci-deploy, namespace: prod}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deploy}
subjects:
- {kind: ServiceAccount, name: deployer, namespace: ci}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: builder-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: ServiceAccount, name: builder, namespace: prod}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: system:controller:job-controller}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: ServiceAccount, name: job-controller, namespace: kube-system}
`

func TestFind(t *testing.T) {
	g := build(t, chain)
	ps, err := g.Find(Query{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%s %d", p.From, len(p.Steps)))
	}
	want := "sa:prod/builder 1\nsa:ci/deployer 2"
	if strings.Join(got, "\n") != want {
		t.Fatalf("paths:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
	p := ps[1]
	if p.Steps[0].To != "sa:prod/builder" || p.Steps[0].Binding.Name != "ci-deploy" || p.Steps[1].To != "cluster-admin" {
		t.Errorf("deployer path = %s", p)
	}
	one, err := g.Find(Query{From: "sa:ci/deployer", To: "sa:prod/idle"})
	if err != nil || len(one) != 1 || len(one[0].Steps) != 1 {
		t.Errorf("deployer to idle = %v, %v", one, err)
	}
	if none, err := g.Find(Query{From: "sa:prod/idle"}); err != nil || len(none) != 0 {
		t.Errorf("idle reaches %v, %v", none, err)
	}
	for _, q := range []Query{{To: "root"}, {From: "sa:nowhere/x"}, {From: "nodes"}} {
		if _, err := g.Find(q); err == nil {
			t.Errorf("Find(%+v) accepted", q)
		}
	}
}

func TestRender(t *testing.T) {
	ps, err := build(t, chain).Find(Query{From: "sa:ci/deployer"})
	if err != nil {
		t.Fatal(err)
	}
	for format, want := range map[string]string{
		"text":    "sa:ci/deployer -> cluster-admin (2 step(s))\n  sa:ci/deployer -> sa:prod/builder: create deployments.apps in namespace prod running as it [RoleBinding prod/ci-deploy, Role prod/deploy rule 0]\n",
		"json":    `"reason": "holds every verb on every resource cluster-wide"`,
		"dot":     `"sa:ci/deployer" -> "sa:prod/builder" [label="create deployments.apps in namespace prod running as it"];`,
		"mermaid": `n0 -->|"create deployments.apps in namespace prod running as it"| n1`,
	} {
		var b bytes.Buffer
		if err := Render(&b, format, ps); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), want) {
			t.Errorf("%s output lacks %q:\n%s", format, want, b.String())
		}
	}
	if err := Render(&bytes.Buffer{}, "svg", ps); err == nil {
		t.Error("unknown format accepted")
	}
}

// BenchmarkPaths2k builds the graph of 2,000 service accounts in 40 namespaces (each with a
// deployer that creates pods, a reader of Secrets with legacy tokens, pods) and finds every
// path to cluster-admin.
func BenchmarkPaths2k(b *testing.B) {
	var y strings.Builder
	for ns := 0; ns < 40; ns++ {
		n := fmt.Sprintf("team-%d", ns)
		fmt.Fprintf(&y, "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: deploy, namespace: %s}\nrules:\n- {apiGroups: [\"\"], resources: [pods, secrets], verbs: [create, get, list]}\n---\n", n)
		fmt.Fprintf(&y, "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: deploy, namespace: %s}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deploy}\nsubjects:\n- {kind: ServiceAccount, name: sa-0, namespace: %s}\n---\n", n, n)
		for i := 0; i < 50; i++ {
			fmt.Fprintf(&y, "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa-%d, namespace: %s}\n---\n", i, n)
			fmt.Fprintf(&y, "apiVersion: v1\nkind: Pod\nmetadata: {name: p-%d, namespace: %s}\nspec:\n  serviceAccountName: sa-%d\n  containers: [{name: c, image: nginx}]\n---\n", i, n, i)
			fmt.Fprintf(&y, "apiVersion: v1\nkind: Secret\nmetadata: {name: t-%d, namespace: %s, annotations: {kubernetes.io/service-account.name: sa-%d}}\ntype: kubernetes.io/service-account-token\n---\n", i, n, i)
		}
	}
	y.WriteString("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: ops}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects:\n- {kind: ServiceAccount, name: sa-7, namespace: team-3}\n")
	doc := y.String()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		res := loadIndex(b, doc)
		b.StartTimer()
		g, err := Build(res)
		if err != nil {
			b.Fatal(err)
		}
		ps, err := g.Find(Query{})
		if err != nil || len(ps) < 2 {
			b.Fatalf("paths %d, %v", len(ps), err)
		}
	}
}
