package netpol

import (
	"net/netip"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
)

func TestNewRejectsInvalidPolicies(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"bad selector operator", `
metadata: {name: bad-op, namespace: shop}
spec:
  podSelector:
    matchExpressions: [{key: app, operator: Near, values: [x]}]`, "network policy shop/bad-op: spec.podSelector"},
		{"bad label value", `
metadata: {name: bad-value, namespace: shop}
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels: {team: "not a valid value!"}`, "network policy shop/bad-value: spec.ingress[0]: peer 0: namespaceSelector"},
		{"bad cidr", `
metadata: {name: bad-cidr}
spec:
  podSelector: {}
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.0/33}}]`, "network policy default/bad-cidr: spec.egress[0]: peer 0: ipBlock.cidr"},
		{"empty peer", `
metadata: {name: empty-peer, namespace: shop}
spec:
  podSelector: {}
  ingress:
  - from: [{}]`, "must specify ipBlock, podSelector or namespaceSelector"},
		{"ipBlock with selector", `
metadata: {name: mixed, namespace: shop}
spec:
  podSelector: {}
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]`, "ipBlock cannot be combined"},
		{"endPort with named port", `
metadata: {name: named-range, namespace: shop}
spec:
  podSelector: {}
  ingress:
  - ports: [{port: http, endPort: 90}]`, `endPort cannot be used with named port "http"`},
		{"endPort below port", `
metadata: {name: backwards, namespace: shop}
spec:
  podSelector: {}
  ingress:
  - ports: [{port: 90, endPort: 80}]`, "endPort 80 is less than port 90"},
		{"unknown protocol", `
metadata: {name: icmp, namespace: shop}
spec:
  podSelector: {}
  ingress:
  - ports: [{protocol: ICMP}]`, `unsupported protocol "ICMP"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(nil, nil, []*networkingv1.NetworkPolicy{docPolicy(t, tc.doc)})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

const namedPortPolicies = `
metadata: {name: web-http, namespace: default}
spec:
  podSelector:
    matchLabels: {role: web}
  ingress:
  - ports: [{port: http}]
---
metadata: {name: client-egress, namespace: default}
spec:
  podSelector:
    matchLabels: {role: client}
  egress:
  - ports: [{port: http}]
`

func TestNamedPortsResolvedOnDestination(t *testing.T) {
	var pols []*networkingv1.NetworkPolicy
	for _, doc := range strings.Split(namedPortPolicies, "---") {
		pols = append(pols, docPolicy(t, doc))
	}
	pods := []Pod{
		{Namespace: "default", Name: "web", Labels: map[string]string{"role": "web"}, Ports: []Port{{Name: "http", Number: 8080}}},
		{Namespace: "default", Name: "web2", Labels: map[string]string{"role": "web"}, Ports: []Port{{Name: "http", Number: 80}}},
		// The client's own "http" port must not matter for its egress rule.
		{Namespace: "default", Name: "client", Labels: map[string]string{"role": "client"}, Ports: []Port{{Name: "http", Number: 9999}}},
	}
	e, err := New(nil, pods, pols)
	if err != nil {
		t.Fatal(err)
	}
	web, web2, client := PodEndpoint(e.Pods()[0]), PodEndpoint(e.Pods()[1]), PodEndpoint(e.Pods()[2])
	for _, f := range []struct {
		from, to Endpoint
		port     int32
		want     bool
	}{
		{client, web, 8080, true},
		{client, web, 80, false},
		{client, web2, 80, true},
		{client, web2, 8080, false},
		{client, web, 9999, false},
		{client, IPEndpoint(netip.MustParseAddr("203.0.113.10")), 80, false}, // a named port never matches an IP
		// client-egress has no policyTypes, so it also isolates the client for ingress.
		{web, client, 9999, false},
	} {
		if v := e.Allowed(f.from, f.to, f.port, "UDP"); v.Allowed {
			t.Errorf("%s -> %s %d/UDP allowed; named ports are TCP here", f.from, f.to, f.port)
		}
		if v := e.Allowed(f.from, f.to, f.port, ""); v.Allowed != f.want {
			t.Errorf("%s -> %s %d: allowed=%v, want %v (%s; %s)", f.from, f.to, f.port, v.Allowed, f.want, v.Egress.Reason, v.Ingress.Reason)
		}
	}
}

func TestVerdictExplains(t *testing.T) {
	nss, pods := docCluster()
	e, err := New(nss, pods, []*networkingv1.NetworkPolicy{docPolicy(t, docTestNetworkPolicy), docPolicy(t, docDefaultDenyIngress)})
	if err != nil {
		t.Fatal(err)
	}
	db, front, host := endpoint(t, e, "default/db"), endpoint(t, e, "default/frontend"), endpoint(t, e, "default/hostdb")
	v := e.Allowed(front, db, 6379, "")
	if !v.Allowed || v.Egress.Isolated || !v.Ingress.Isolated ||
		strings.Join(v.Ingress.Policies, ",") != "default/test-network-policy" ||
		strings.Join(v.Ingress.Selecting, ",") != "default/test-network-policy,default/default-deny-ingress" {
		t.Errorf("frontend -> db: %+v", v)
	}
	v = e.Allowed(db, front, 80, "")
	if v.Allowed || v.Egress.Allowed || !strings.Contains(v.Egress.Reason, "isolated for egress by default/test-network-policy") {
		t.Errorf("db -> frontend: %+v", v)
	}
	v = e.Allowed(host, front, 80, "")
	if v.Egress.Isolated || v.Egress.Reason != "host network: not subject to NetworkPolicy" || v.Allowed {
		t.Errorf("hostdb -> frontend: %+v", v)
	}
	if in, eg := e.SelectingPolicies(host.Pod); in != nil || eg != nil {
		t.Errorf("host-network pod selected by %v %v", in, eg)
	}
	in, eg := e.SelectingPolicies(db.Pod)
	if len(in) != 2 || len(eg) != 1 || eg[0].Name != "test-network-policy" {
		t.Errorf("SelectingPolicies(db) = %d ingress, %v egress", len(in), eg)
	}
}

func TestMatrixWithForeignPods(t *testing.T) {
	nss, pods := docCluster()
	e, err := New(nss, pods, []*networkingv1.NetworkPolicy{docPolicy(t, docTestNetworkPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	// A pod value built by the caller is not one of e.Pods(): Matrix must still answer.
	stranger := &Pod{Namespace: "default", Name: "stranger", Labels: map[string]string{"role": "frontend"}}
	list := append([]*Pod{stranger}, e.Pods()...)
	m := e.Matrix(list, 6379, "")
	for i, a := range list {
		for j, b := range list {
			if want := e.Allowed(PodEndpoint(a), PodEndpoint(b), 6379, "").Allowed; m[i][j] != want {
				t.Errorf("Matrix %s -> %s = %v, want %v", a, b, m[i][j], want)
			}
		}
	}
	if !m[0][1] {
		t.Error("stranger (role=frontend) cannot reach db on 6379")
	}
}
