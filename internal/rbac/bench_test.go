package rbac

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkWhoCan answers who-can over 5,000 roles and 10,000 bindings; the goal is well under
// 50 ms per question.
func BenchmarkWhoCan(b *testing.B) {
	w := genWorld(3, "b-", worldSize{namespaces: 50, roles: 3000, clusterRoles: 1980, aggregated: 20, rbs: 8000, crbs: 2000})
	g := New(w.roles, w.clusterRoles, w.rbs, w.crbs)
	r := rand.New(rand.NewPCG(1, 2))
	reqs := make([]Request, 64)
	for i := range reqs {
		reqs[i] = genRequest(r, w)
	}
	for i := 0; b.Loop(); i++ {
		g.WhoCan(reqs[i%len(reqs)])
	}
}

// BenchmarkBuild builds the Graph of the same world.
func BenchmarkBuild(b *testing.B) {
	w := genWorld(3, "b-", worldSize{namespaces: 50, roles: 3000, clusterRoles: 1980, aggregated: 20, rbs: 8000, crbs: 2000})
	for b.Loop() {
		New(w.roles, w.clusterRoles, w.rbs, w.crbs)
	}
}
