package netpol

import (
	"net/netip"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"
)

// The policies below are the examples of the Kubernetes NetworkPolicy documentation page
// (https://kubernetes.io/docs/concepts/services-networking/network-policies/).

const docTestNetworkPolicy = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: test-network-policy, namespace: default}
spec:
  podSelector:
    matchLabels: {role: db}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - ipBlock:
        cidr: 172.17.0.0/16
        except: [172.17.1.0/24]
    - namespaceSelector:
        matchLabels: {project: myproject}
    - podSelector:
        matchLabels: {role: frontend}
    ports:
    - {protocol: TCP, port: 6379}
  egress:
  - to:
    - ipBlock: {cidr: 10.0.0.0/24}
    ports:
    - {protocol: TCP, port: 5978}
`

const docDefaultDenyIngress = `
metadata: {name: default-deny-ingress, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`

const docAllowAllIngress = `
metadata: {name: allow-all-ingress, namespace: default}
spec:
  podSelector: {}
  ingress:
  - {}
  policyTypes: [Ingress]
`

const docDefaultDenyEgress = `
metadata: {name: default-deny-egress, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Egress]
`

const docAllowAllEgress = `
metadata: {name: allow-all-egress, namespace: default}
spec:
  podSelector: {}
  egress:
  - {}
  policyTypes: [Egress]
`

const docDefaultDenyAll = `
metadata: {name: default-deny-all, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`

const docMultiPortEgress = `
metadata: {name: multi-port-egress, namespace: default}
spec:
  podSelector:
    matchLabels: {role: db}
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock: {cidr: 10.0.0.0/24}
    ports:
    - {protocol: TCP, port: 32000, endPort: 32768}
`

// docAnd is the single-element from: clients in alice's namespaces.
const docAnd = `
metadata: {name: and, namespace: default}
spec:
  podSelector:
    matchLabels: {role: db}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels: {user: alice}
      podSelector:
        matchLabels: {role: client}
`

// docOr is the two-element from: clients of the policy's namespace, or anything in alice's.
const docOr = `
metadata: {name: or, namespace: default}
spec:
  podSelector:
    matchLabels: {role: db}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels: {user: alice}
    - podSelector:
        matchLabels: {role: client}
`

// docByName targets a namespace by the label the API server sets on every namespace.
const docByName = `
metadata: {name: egress-to-myproject, namespace: default}
spec:
  podSelector:
    matchLabels: {role: db}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector:
        matchLabels: {kubernetes.io/metadata.name: myproject}
`

func docPolicy(t *testing.T, doc string) *networkingv1.NetworkPolicy {
	t.Helper()
	np := &networkingv1.NetworkPolicy{}
	if err := yaml.UnmarshalStrict([]byte(doc), np); err != nil {
		t.Fatalf("decode policy: %v", err)
	}
	return np
}

func docCluster() ([]Namespace, []Pod) {
	nss := []Namespace{
		{Name: "default"},
		{Name: "myproject", Labels: map[string]string{"project": "myproject"}},
		{Name: "other", Labels: map[string]string{"project": "other"}},
		{Name: "alice", Labels: map[string]string{"user": "alice"}},
		{Name: "bob", Labels: map[string]string{"user": "bob"}},
	}
	pods := []Pod{
		{Namespace: "default", Name: "db", Labels: map[string]string{"role": "db"}, Ports: []Port{{Name: "redis", Number: 6379}}},
		{Namespace: "default", Name: "frontend", Labels: map[string]string{"role": "frontend"}},
		{Namespace: "default", Name: "client", Labels: map[string]string{"role": "client"}},
		{Namespace: "default", Name: "backend", Labels: map[string]string{"role": "backend"}},
		{Namespace: "myproject", Name: "app", Labels: map[string]string{"app": "x"}},
		{Namespace: "other", Name: "frontend", Labels: map[string]string{"role": "frontend"}},
		{Namespace: "alice", Name: "client", Labels: map[string]string{"role": "client"}},
		{Namespace: "alice", Name: "server", Labels: map[string]string{"role": "server"}},
		{Namespace: "bob", Name: "client", Labels: map[string]string{"role": "client"}},
		{Namespace: "default", Name: "hostdb", Labels: map[string]string{"role": "db"}, HostNetwork: true},
	}
	return nss, pods
}

// endpoint resolves "ns/name" to an engine pod and anything else to an IP.
func endpoint(t *testing.T, e *Engine, s string) Endpoint {
	t.Helper()
	if ns, name, ok := strings.Cut(s, "/"); ok {
		for _, p := range e.Pods() {
			if p.Namespace == ns && p.Name == name {
				return PodEndpoint(p)
			}
		}
		t.Fatalf("no pod %s", s)
	}
	return IPEndpoint(netip.MustParseAddr(s))
}

type flow struct {
	from, to string
	port     int32
	proto    corev1.Protocol
	want     bool
}

func TestDocumentationExamples(t *testing.T) {
	for _, tc := range []struct {
		name     string
		policies []string
		flows    []flow
	}{
		{"no policies: everything allowed", nil, []flow{
			{"default/frontend", "default/db", 6379, "", true},
			{"203.0.113.10", "default/db", 22, corev1.ProtocolUDP, true},
			{"default/db", "203.0.113.10", 443, "", true},
		}},
		{"test-network-policy", []string{docTestNetworkPolicy}, []flow{
			{"default/frontend", "default/db", 6379, "", true},
			{"default/frontend", "default/db", 6379, corev1.ProtocolUDP, false},
			{"default/frontend", "default/db", 6380, "", false},
			{"default/backend", "default/db", 6379, "", false},
			{"myproject/app", "default/db", 6379, "", true},
			{"other/frontend", "default/db", 6379, "", false}, // podSelector alone: policy's namespace only
			{"172.17.0.5", "default/db", 6379, "", true},
			{"172.17.1.5", "default/db", 6379, "", false}, // except
			{"172.18.0.5", "default/db", 6379, "", false},
			{"default/db", "10.0.0.7", 5978, "", true},
			{"default/db", "10.0.0.7", 5979, "", false},
			{"default/db", "10.0.1.7", 5978, "", false},
			{"default/db", "default/frontend", 80, "", false}, // egress isolated
			{"default/frontend", "default/backend", 80, "", true},
			{"default/hostdb", "10.0.1.7", 80, "", true}, // host network not isolated
			{"203.0.113.10", "default/hostdb", 22, "", true},
		}},
		{"default deny ingress", []string{docDefaultDenyIngress}, []flow{
			{"default/frontend", "default/db", 6379, "", false},
			{"alice/client", "default/backend", 80, "", false},
			{"203.0.113.10", "default/db", 6379, "", false},
			{"default/db", "203.0.113.10", 443, "", true},
			{"default/db", "alice/server", 443, "", true},
		}},
		{"allow all ingress", []string{docDefaultDenyIngress, docAllowAllIngress}, []flow{
			{"default/frontend", "default/db", 6379, "", true},
			{"203.0.113.10", "default/db", 1, corev1.ProtocolSCTP, true},
		}},
		{"default deny egress", []string{docDefaultDenyEgress}, []flow{
			{"default/db", "203.0.113.10", 443, "", false},
			{"default/db", "default/frontend", 80, "", false},
			{"alice/client", "default/db", 6379, "", true},
			{"203.0.113.10", "default/db", 6379, "", true},
		}},
		{"allow all egress", []string{docDefaultDenyEgress, docAllowAllEgress}, []flow{
			{"default/db", "203.0.113.10", 443, "", true},
			{"default/db", "alice/server", 53, corev1.ProtocolUDP, true},
		}},
		{"default deny all", []string{docDefaultDenyAll}, []flow{
			{"default/db", "203.0.113.10", 443, "", false},
			{"default/frontend", "default/db", 6379, "", false},
			{"alice/client", "default/db", 6379, "", false},
			{"default/db", "alice/server", 443, "", false},
			{"alice/client", "alice/server", 443, "", true},
			{"default/hostdb", "alice/server", 443, "", true},
		}},
		{"endPort range", []string{docMultiPortEgress}, []flow{
			{"default/db", "10.0.0.9", 32000, "", true},
			{"default/db", "10.0.0.9", 32500, "", true},
			{"default/db", "10.0.0.9", 32768, "", true},
			{"default/db", "10.0.0.9", 31999, "", false},
			{"default/db", "10.0.0.9", 32769, "", false},
			{"default/db", "10.0.0.9", 32500, corev1.ProtocolUDP, false},
			{"default/db", "10.0.1.9", 32500, "", false},
			{"default/frontend", "10.0.1.9", 1, "", true}, // not selected
		}},
		{"namespaceSelector AND podSelector", []string{docAnd}, []flow{
			{"alice/client", "default/db", 6379, "", true},
			{"alice/server", "default/db", 6379, "", false},
			{"bob/client", "default/db", 6379, "", false},
			{"default/client", "default/db", 6379, "", false},
		}},
		{"namespaceSelector OR podSelector", []string{docOr}, []flow{
			{"alice/client", "default/db", 6379, "", true},
			{"alice/server", "default/db", 6379, "", true},
			{"bob/client", "default/db", 6379, "", false},
			{"default/client", "default/db", 6379, "", true},
			{"default/frontend", "default/db", 6379, "", false},
		}},
		{"namespace by name", []string{docByName}, []flow{
			{"default/db", "myproject/app", 8080, "", true},
			{"default/db", "other/frontend", 8080, "", false},
			{"default/db", "203.0.113.10", 443, "", false},
			{"default/frontend", "other/frontend", 8080, "", true},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nss, pods := docCluster()
			var pols []*networkingv1.NetworkPolicy
			for _, doc := range tc.policies {
				pols = append(pols, docPolicy(t, doc))
			}
			e, err := New(nss, pods, pols)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range tc.flows {
				v := e.Allowed(endpoint(t, e, f.from), endpoint(t, e, f.to), f.port, f.proto)
				if v.Allowed != f.want {
					t.Errorf("%s -> %s %d/%s: allowed=%v, want %v (egress: %s; ingress: %s)",
						f.from, f.to, f.port, protoOrTCP(f.proto), v.Allowed, f.want, v.Egress.Reason, v.Ingress.Reason)
				}
			}
		})
	}
}
