package rbac

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	authzv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/strata-sec/strata/internal/inventory/live"
	"github.com/strata-sec/strata/test/cluster"
)

// The shared cluster runs kube-controller-manager so that the aggregation controller fills in
// aggregated ClusterRoles, as in a real cluster.
func TestMain(m *testing.M) { os.Exit(cluster.MainWith(m, cluster.Options{ControllerManager: true})) }

const oracleTuples = 12000

// TestOracleSubjectAccessReview builds a generated RBAC world in a real kube-apiserver and
// compares Graph.Allows with the server's SubjectAccessReview answer for every tuple.
func TestOracleSubjectAccessReview(t *testing.T) {
	c := cluster.Get(t)
	ctx := t.Context()
	cfg := c.AdminConfig()
	cfg.QPS, cfg.Burst = 5000, 5000
	client := kubernetes.NewForConfigOrDie(cfg)
	w := genWorld(7, "o-", worldSize{namespaces: 5, roles: 120, clusterRoles: 120, aggregated: 6, rbs: 300, crbs: 150})
	start := time.Now()
	for _, ns := range w.namespaces {
		if _, err := c.CreateNamespace(ctx, ns, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := createWorld(ctx, client, w); err != nil {
		t.Fatal(err)
	}
	t.Logf("created %d roles, %d cluster roles, %d role bindings, %d cluster role bindings in %s",
		len(w.roles), len(w.clusterRoles), len(w.rbs), len(w.crbs), time.Since(start).Round(time.Millisecond))

	g := waitForAggregation(t, cfg)
	checkManifestAggregation(t, w, g)

	r := rand.New(rand.NewPCG(11, 13))
	type tuple struct {
		id  identity
		req Request
	}
	tuples := make([]tuple, oracleTuples)
	for i := range tuples {
		tuples[i] = tuple{genIdentity(r, w), genRequest(r, w)}
	}
	start = time.Now()
	answers := make([]bool, len(tuples))
	errs := make(chan error, 1)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 48 {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(tuples); i = int(next.Add(1) - 1) {
				allowed, err := review(ctx, client, tuples[i].id, tuples[i].req)
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					return
				}
				answers[i] = allowed
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	sarTime := time.Since(start)
	agree, allowed, urls := 0, 0, 0
	for i, tu := range tuples {
		got, grants := g.Allows(tu.id.user, tu.id.groups, tu.req)
		if got == answers[i] {
			agree++
		} else if agree+20 > i {
			t.Errorf("disagreement: %s %v %+v: strata %v (%d grants: %+v), API server %v", tu.id.user, tu.id.groups, tu.req, got, len(grants), grants, answers[i])
		}
		if answers[i] {
			allowed++
		}
		if tu.req.NonResourceURL != "" {
			urls++
		}
	}
	t.Logf("oracle: %d/%d tuples agree with SubjectAccessReview (%d allowed, %d non-resource URLs); SARs took %s",
		agree, len(tuples), allowed, urls, sarTime.Round(time.Millisecond))
	if agree != len(tuples) {
		t.Fatalf("%d of %d tuples disagree", len(tuples)-agree, len(tuples))
	}
	if allowed < len(tuples)/10 || allowed > len(tuples)*9/10 {
		t.Errorf("%d of %d allowed: the generated world is too lopsided to test much", allowed, len(tuples))
	}
}

func review(ctx context.Context, client kubernetes.Interface, id identity, r Request) (bool, error) {
	sar := &authzv1.SubjectAccessReview{Spec: authzv1.SubjectAccessReviewSpec{User: id.user, Groups: id.groups}}
	if r.NonResourceURL != "" {
		sar.Spec.NonResourceAttributes = &authzv1.NonResourceAttributes{Path: r.NonResourceURL, Verb: r.Verb}
	} else {
		sar.Spec.ResourceAttributes = &authzv1.ResourceAttributes{Namespace: r.Namespace, Verb: r.Verb, Group: r.APIGroup,
			Resource: r.Resource, Subresource: r.Subresource, Name: r.Name}
	}
	res, err := client.AuthorizationV1().SubjectAccessReviews().Create(ctx, sar, metav1.CreateOptions{})
	if err != nil {
		return false, fmt.Errorf("subject access review %+v: %w", r, err)
	}
	return res.Status.Allowed, nil
}

// createWorld creates the world's objects with a pool of workers.
func createWorld(ctx context.Context, client kubernetes.Interface, w *world) error {
	rbac := client.RbacV1()
	opts := metav1.CreateOptions{}
	var jobs []func() error
	for _, o := range w.roles {
		jobs = append(jobs, func() error { _, err := rbac.Roles(o.Namespace).Create(ctx, o, opts); return err })
	}
	for _, o := range w.clusterRoles {
		jobs = append(jobs, func() error { _, err := rbac.ClusterRoles().Create(ctx, o, opts); return err })
	}
	for _, o := range w.rbs {
		jobs = append(jobs, func() error { _, err := rbac.RoleBindings(o.Namespace).Create(ctx, o, opts); return err })
	}
	for _, o := range w.crbs {
		jobs = append(jobs, func() error { _, err := rbac.ClusterRoleBindings().Create(ctx, o, opts); return err })
	}
	var next atomic.Int64
	var first error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(jobs); i = int(next.Add(1) - 1) {
				if err := jobs[i](); err != nil {
					mu.Lock()
					first = cmpErr(first, err)
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return fmt.Errorf("create world: %w", b)
}

// waitForAggregation loads the cluster's RBAC objects until the aggregation controller has
// caught up (no aggregated role differs from its computed rules) and returns the live Graph.
func waitForAggregation(t *testing.T, cfg *rest.Config) *Graph {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := live.Load(t.Context(), cfg, live.Options{Kinds: Kinds})
		if err != nil {
			t.Fatal(err)
		}
		g, err := FromInventory(res.Index())
		if err != nil {
			t.Fatal(err)
		}
		diffs := g.AggregationDiffs()
		if len(diffs) == 0 {
			return g
		}
		if time.Now().After(deadline) {
			t.Fatalf("aggregated ClusterRoles still differ from the computed rules after 30s: %s (stored %v, computed %v)",
				diffs[0].Role, diffs[0].Stored, diffs[0].Computed)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkManifestAggregation compares the rules computed from the manifests alone with what the
// aggregation controller stored.
func checkManifestAggregation(t *testing.T, w *world, liveGraph *Graph) {
	t.Helper()
	g := New(w.roles, w.clusterRoles, w.rbs, w.crbs)
	n := 0
	for _, cr := range w.clusterRoles {
		if cr.AggregationRule == nil {
			continue
		}
		ref := roleRef("ClusterRole", "", cr.Name)
		computed, _ := g.Rules(ref)
		stored, _ := liveGraph.Rules(ref)
		if !equality.Semantic.DeepEqual(computed, stored) {
			t.Errorf("%s: manifest aggregation %v, API server stored %v", cr.Name, computed, stored)
		}
		n += len(stored)
	}
	if n == 0 {
		t.Error("aggregated roles have no rules: the generated labels select nothing")
	}
}
