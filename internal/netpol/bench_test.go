package netpol

import (
	"fmt"
	"testing"
)

// bigScenario is a realistic cluster: nns namespaces, npods pods over 200 apps, npols policies.
func bigScenario(nns, npods, npols int) *scenario {
	g := newGen(7, sizes{apps: 200})
	sc := &scenario{}
	for i := range nns {
		sc.namespaces = append(sc.namespaces, Namespace{Name: fmt.Sprintf("ns%d", i),
			Labels: map[string]string{"env": g.pick("prod", "dev"), "team": g.pick("a", "b")}})
	}
	for i := range npods {
		sc.pods = append(sc.pods, g.pod(i, nns))
	}
	for i := range npols {
		sc.policies = append(sc.policies, g.policy(i, nns))
	}
	return sc
}

func BenchmarkMatrix5k(b *testing.B) {
	sc := bigScenario(50, 5000, 1000)
	b.ResetTimer()
	for b.Loop() {
		// New is inside the loop: the figure includes indexing and selector compilation.
		e, err := New(sc.namespaces, sc.pods, sc.policies)
		if err != nil {
			b.Fatal(err)
		}
		m := e.Matrix(e.Pods(), 8080, "")
		if len(m) != 5000 {
			b.Fatal("short matrix")
		}
	}
}

func BenchmarkAllowed(b *testing.B) {
	sc := bigScenario(50, 5000, 1000)
	e, err := New(sc.namespaces, sc.pods, sc.policies)
	if err != nil {
		b.Fatal(err)
	}
	g := newGen(11, smallSizes)
	pods := e.Pods()
	b.ResetTimer()
	for b.Loop() {
		from, to := g.endpoint(pods), g.endpoint(pods)
		port, proto := g.query()
		e.Allowed(from, to, port, proto)
	}
}

// TestMatrixLargeAgreesWithAllowed checks Matrix against Allowed on a sample of a big cluster.
func TestMatrixLargeAgreesWithAllowed(t *testing.T) {
	sc := bigScenario(20, 1000, 200)
	e, err := New(sc.namespaces, sc.pods, sc.policies)
	if err != nil {
		t.Fatal(err)
	}
	pods := e.Pods()
	m := e.Matrix(pods, 80, "")
	allowed := 0
	for i := 0; i < len(pods); i += 7 {
		for j := 0; j < len(pods); j += 3 {
			want := e.Allowed(PodEndpoint(pods[i]), PodEndpoint(pods[j]), 80, "").Allowed
			if m[i][j] != want {
				t.Fatalf("Matrix[%d][%d]=%v, Allowed=%v", i, j, m[i][j], want)
			}
			if want {
				allowed++
			}
		}
	}
	if allowed == 0 {
		t.Fatal("nothing allowed in the sample: the generator is not exercising anything")
	}
}

// TestConcurrentUse runs Matrix and Allowed from several goroutines on one engine; run it
// with -race to check the lazily computed peer sets.
func TestConcurrentUse(t *testing.T) {
	sc := bigScenario(10, 300, 60)
	e, err := New(sc.namespaces, sc.pods, sc.policies)
	if err != nil {
		t.Fatal(err)
	}
	want := e.Matrix(e.Pods(), 443, "")
	fresh, err := New(sc.namespaces, sc.pods, sc.policies)
	if err != nil {
		t.Fatal(err)
	}
	results := make(chan [][]bool, 4)
	for range 4 {
		go func() { results <- fresh.Matrix(fresh.Pods(), 443, "") }()
	}
	for range 4 {
		got := <-results
		for i := range want {
			for j := range want[i] {
				if got[i][j] != want[i][j] {
					t.Fatalf("concurrent Matrix[%d][%d]=%v, want %v", i, j, got[i][j], want[i][j])
				}
			}
		}
	}
}
