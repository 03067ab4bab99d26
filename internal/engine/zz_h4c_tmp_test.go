package engine

import (
	"context"
	"testing"
	"time"
	"sort"

	"github.com/strata-sec/strata/internal/inventory"
)

func TestH4cPerCheck(t *testing.T) {
	opts := registryOptions(t)
	g := newCluster(1)
	ix := inventory.NewIndex(g.inventory(200, 31, 2))
	e := NewIncremental(opts)
	if _, err := e.Full(context.Background(), ix); err != nil {
		t.Fatal(err)
	}
	type r struct{ id string; d time.Duration; deps int; all bool; affD, affP bool }
	var rs []r
	for i, c := range e.clusters {
		ix.Upsert(ix.List(gkDeploy, "team-3")[0]) // invalidate
		t0 := time.Now()
		cs := e.evalCluster(ix, c)
		_ = i
		rs = append(rs, r{c.ID, time.Since(t0), len(cs.deps), cs.all, cs.affected(gkDeploy, "team-3"), cs.affected(gkNP, "team-3")})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].d > rs[j].d })
	for _, x := range rs[:15] {
		t.Logf("%s %v deps=%d all=%v deploy=%v np=%v", x.id, x.d, x.deps, x.all, x.affD, x.affP)
	}
}
