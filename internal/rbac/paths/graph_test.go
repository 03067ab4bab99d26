package paths

import (
	"context"
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/inventory/manifest"
)

func build(t testing.TB, yaml string) *Graph {
	t.Helper()
	res, err := manifest.Load(context.Background(), []string{"-"}, manifest.Options{Stdin: strings.NewReader(yaml)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("load: %+v", res.Errors)
	}
	g, err := Build(inventory.NewIndex(res.Objects))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// role binds one rule, as a Role+RoleBinding in ns (or ClusterRole+ClusterRoleBinding when ns
// is empty), to subject.
func role(ns, subject, rule string) string {
	kind, bkind, meta := "ClusterRole", "ClusterRoleBinding", "  name: r\n"
	if ns != "" {
		kind, bkind, meta = "Role", "RoleBinding", "  name: r\n  namespace: "+ns+"\n"
	}
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "\nmetadata:\n" + meta + "rules:\n- " + rule + "\n---\n" +
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: " + bkind + "\nmetadata:\n" + meta +
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: " + kind + ", name: r}\nsubjects:\n- " + subject + "\n"
}

const world = `
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: prod}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: idle, namespace: prod}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: prod}
spec:
  serviceAccountName: runner
  containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: Secret
metadata:
  name: builder-token
  namespace: prod
  annotations: {kubernetes.io/service-account.name: builder}
type: kubernetes.io/service-account-token
---
`

const alice = "{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}"

func TestEdges(t *testing.T) {
	for _, tc := range []struct {
		name, ns, rule string
		want           []string // "to: reason" of alice's edges
	}{
		{"create pods", "prod", `{apiGroups: [""], resources: [pods], verbs: [create]}`, []string{
			"sa:prod/builder: create pods in namespace prod running as it",
			"sa:prod/idle: create pods in namespace prod running as it",
			"sa:prod/runner: create pods in namespace prod running as it"}},
		{"create deployments", "prod", `{apiGroups: [apps], resources: [deployments], verbs: [create]}`, []string{
			"sa:prod/builder: create deployments.apps in namespace prod running as it",
			"sa:prod/idle: create deployments.apps in namespace prod running as it",
			"sa:prod/runner: create deployments.apps in namespace prod running as it"}},
		{"exec", "prod", `{apiGroups: [""], resources: [pods/exec], verbs: [create]}`, []string{
			"sa:prod/runner: exec into its pods in namespace prod"}},
		{"nodes proxy", "", `{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}`, []string{
			"nodes: call the kubelet API through nodes/proxy",
			"sa:prod/runner: exec into its pods through the kubelet (nodes/proxy)"}},
		{"nodes proxy in a namespace grants nothing", "prod", `{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}`, nil},
		{"impersonate named user", "", `{apiGroups: [""], resources: [users], verbs: [impersonate], resourceNames: [bob]}`, []string{
			"user:bob: impersonate User bob"}},
		{"impersonate any group", "", `{apiGroups: [""], resources: [groups], verbs: [impersonate]}`, []string{
			"cluster-admin: impersonate group system:masters"}},
		{"impersonate service account", "prod", `{apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate], resourceNames: [idle]}`, []string{
			"sa:prod/idle: impersonate it"}},
		{"bind cluster-wide", "", `{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind]}`, []string{
			"cluster-admin: bind or escalate roles cluster-wide"}},
		{"escalate in namespace", "prod", `{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [escalate]}`, []string{
			"sa:prod/builder: bind or escalate roles in namespace prod",
			"sa:prod/idle: bind or escalate roles in namespace prod",
			"sa:prod/runner: bind or escalate roles in namespace prod"}},
		{"token create", "prod", `{apiGroups: [""], resources: [serviceaccounts/token], verbs: [create], resourceNames: [builder]}`, []string{
			"sa:prod/builder: create a token for it (serviceaccounts/token)"}},
		{"secrets list", "prod", `{apiGroups: [""], resources: [secrets], verbs: [list]}`, []string{
			"sa:prod/builder: read its token Secret prod/builder-token",
			"secrets: read Secrets in namespace prod"}},
		{"one other secret", "prod", `{apiGroups: [""], resources: [secrets], verbs: [get], resourceNames: [db]}`, nil},
		{"wildcard", "", `{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}`, nil},
		{"configmaps only", "prod", `{apiGroups: [""], resources: [configmaps], verbs: ["*"]}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := build(t, world+role(tc.ns, alice, tc.rule))
			from := g.Node(Node{Subject: mustSubject(t, "user:alice")})
			var got []string
			for _, e := range g.out[from] {
				got = append(got, g.Nodes[g.Edges[e].To].String()+": "+g.Edges[e].Reason)
			}
			if tc.name == "wildcard" {
				if len(got) == 0 || !strings.HasPrefix(got[0], "cluster-admin: holds every verb") {
					t.Fatalf("wildcard edges = %q", got)
				}
				return
			}
			sortStrings(got)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("edges:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
