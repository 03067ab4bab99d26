package netpol

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"
)

// query is one connection question; a pod end is an index into scenario.pods, -1 for an IP.
type query struct {
	from, to     int
	fromIP, toIP netip.Addr
	port         int32
	proto        corev1.Protocol
}

func (q query) endpoints(pods []*Pod) (Endpoint, Endpoint) {
	from, to := IPEndpoint(q.fromIP), IPEndpoint(q.toIP)
	if q.from >= 0 {
		from = PodEndpoint(pods[q.from])
	}
	if q.to >= 0 {
		to = PodEndpoint(pods[q.to])
	}
	return from, to
}

// disagreement returns the engine's and the oracle's answers when they differ.
func disagreement(t testing.TB, sc *scenario, q query) (engine, oracleSays bool, differ bool) {
	e, err := New(sc.namespaces, sc.pods, sc.policies)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	o := &oracle{namespaces: sc.namespaces, policies: sc.policies}
	from, to := q.endpoints(e.Pods())
	got := e.Allowed(from, to, q.port, q.proto).Allowed
	// The oracle sees the same pods by value, through its own pointers.
	ofrom, oto := q.endpoints(podPointers(sc.pods))
	want := o.allowed(ofrom, oto, q.port, q.proto)
	return got, want, got != want
}

func podPointers(pods []Pod) []*Pod {
	out := make([]*Pod, len(pods))
	for i := range pods {
		out[i] = &pods[i]
	}
	return out
}

// checkScenario compares Allowed and Matrix with the oracle on n random queries.
func checkScenario(t testing.TB, seed uint64, n int) {
	g := newGen(seed, smallSizes)
	sc := g.scenario()
	e, err := New(sc.namespaces, sc.pods, sc.policies)
	if err != nil {
		t.Fatalf("seed %d: New: %v", seed, err)
	}
	o := &oracle{namespaces: sc.namespaces, policies: sc.policies}
	opods := podPointers(sc.pods)
	for range n {
		q := query{from: -1, to: -1, fromIP: queryIPs[g.r.IntN(len(queryIPs))], toIP: queryIPs[g.r.IntN(len(queryIPs))]}
		if !g.chance(20) {
			q.from = g.r.IntN(len(sc.pods))
		}
		if !g.chance(20) {
			q.to = g.r.IntN(len(sc.pods))
		}
		q.port, q.proto = g.query()
		from, to := q.endpoints(e.Pods())
		ofrom, oto := q.endpoints(opods)
		if e.Allowed(from, to, q.port, q.proto).Allowed != o.allowed(ofrom, oto, q.port, q.proto) {
			t.Fatalf("seed %d: engine and oracle disagree; minimized:\n%s", seed, describe(t, shrink(t, sc, q), q))
		}
	}
	port, proto := g.query()
	m := e.Matrix(e.Pods(), port, proto)
	for i := range opods {
		for j := range opods {
			if m[i][j] != o.allowed(PodEndpoint(opods[i]), PodEndpoint(opods[j]), port, proto) {
				q := query{from: i, to: j, port: port, proto: proto}
				t.Fatalf("seed %d: Matrix[%d][%d]=%v disagrees with the oracle:\n%s", seed, i, j, m[i][j], describe(t, sc, q))
			}
		}
	}
}

func TestAgainstOracle(t *testing.T) {
	scenarios := 10000
	if testing.Short() {
		scenarios = 300
	}
	for seed := range uint64(scenarios) {
		checkScenario(t, seed, 40)
	}
}

func FuzzAgainstOracle(f *testing.F) {
	for _, seed := range []uint64{0, 1, 2, 42, 1 << 40, 0xdeadbeef} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed uint64) { checkScenario(t, seed, 40) })
}

// shrink removes policies, rules, peers and ports while the disagreement persists.
func shrink(t testing.TB, sc *scenario, q query) *scenario {
	still := func(c *scenario) bool { _, _, d := disagreement(t, c, q); return d }
	cur := sc
	for changed := true; changed; {
		changed = false
		for _, cand := range candidates(cur) {
			if still(cand) {
				cur, changed = cand, true
				break
			}
		}
	}
	return cur
}

// candidates lists every scenario one removal smaller than sc.
func candidates(sc *scenario) []*scenario {
	var out []*scenario
	with := func(i int, np *networkingv1.NetworkPolicy) *scenario {
		c := *sc
		c.policies = append([]*networkingv1.NetworkPolicy(nil), sc.policies...)
		if np == nil {
			c.policies = append(c.policies[:i], c.policies[i+1:]...)
		} else {
			c.policies[i] = np
		}
		return &c
	}
	for i, np := range sc.policies {
		out = append(out, with(i, nil))
		for r := range np.Spec.Ingress {
			c := np.DeepCopy()
			c.Spec.Ingress = append(c.Spec.Ingress[:r], c.Spec.Ingress[r+1:]...)
			out = append(out, with(i, c))
			for k := range np.Spec.Ingress[r].From {
				c := np.DeepCopy()
				c.Spec.Ingress[r].From = append(c.Spec.Ingress[r].From[:k], c.Spec.Ingress[r].From[k+1:]...)
				out = append(out, with(i, c))
			}
			for k := range np.Spec.Ingress[r].Ports {
				c := np.DeepCopy()
				c.Spec.Ingress[r].Ports = append(c.Spec.Ingress[r].Ports[:k], c.Spec.Ingress[r].Ports[k+1:]...)
				out = append(out, with(i, c))
			}
		}
		for r := range np.Spec.Egress {
			c := np.DeepCopy()
			c.Spec.Egress = append(c.Spec.Egress[:r], c.Spec.Egress[r+1:]...)
			out = append(out, with(i, c))
			for k := range np.Spec.Egress[r].To {
				c := np.DeepCopy()
				c.Spec.Egress[r].To = append(c.Spec.Egress[r].To[:k], c.Spec.Egress[r].To[k+1:]...)
				out = append(out, with(i, c))
			}
			for k := range np.Spec.Egress[r].Ports {
				c := np.DeepCopy()
				c.Spec.Egress[r].Ports = append(c.Spec.Egress[r].Ports[:k], c.Spec.Egress[r].Ports[k+1:]...)
				out = append(out, with(i, c))
			}
		}
	}
	return out
}

// describe renders the connection, the pods and namespaces involved, and the policies.
func describe(t testing.TB, sc *scenario, q query) string {
	var b strings.Builder
	got, want, _ := disagreement(t, sc, q)
	from, to := q.endpoints(podPointers(sc.pods))
	fmt.Fprintf(&b, "%s -> %s %d/%s: engine says %v, oracle says %v\n", from, to, q.port, q.proto, got, want)
	for _, ep := range []Endpoint{from, to} {
		if ep.Pod != nil {
			fmt.Fprintf(&b, "pod %s labels=%v ports=%v hostNetwork=%v\n", ep.Pod, ep.Pod.Labels, ep.Pod.Ports, ep.Pod.HostNetwork)
		}
	}
	for _, ns := range sc.namespaces {
		fmt.Fprintf(&b, "namespace %s labels=%v\n", ns.Name, ns.Labels)
	}
	for _, np := range sc.policies {
		y, err := yaml.Marshal(np)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "---\n%s", y)
	}
	return b.String()
}
