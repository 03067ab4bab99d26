package cluster

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// SkipEnv names the variable that, set to 1, skips cluster tests. For quick local runs only.
const SkipEnv = "STRATA_SKIP_CLUSTER_TESTS"

// shared is the one cluster of a test binary, started by the first Get and stopped by Main.
var shared struct {
	sync.Mutex
	inMain  bool
	opts    Options
	started bool
	cluster *Cluster
	err     error
}

// Main runs a package's tests with one shared cluster, started lazily by the first Get and
// stopped after the last test. Call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(cluster.Main(m)) }
func Main(m *testing.M) int { return MainWith(m, Options{}) }

// MainWith is Main with options for the shared cluster (KeepDir, ControllerManager...).
func MainWith(m *testing.M, opts Options) int {
	shared.Lock()
	shared.inMain, shared.opts = true, opts
	shared.Unlock()

	code := m.Run()

	shared.Lock()
	c := shared.cluster
	shared.cluster = nil
	shared.Unlock()
	if c != nil {
		if err := c.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "testcluster: stopping the shared cluster: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// Get returns the test binary's shared cluster, starting it (and building missing binaries) on
// first use. A cluster that fails to start fails every test that asks for it; it never skips,
// unless STRATA_SKIP_CLUSTER_TESTS=1 asks for that.
func Get(t testing.TB) *Cluster {
	t.Helper()
	SkipIfRequested(t)
	shared.Lock()
	defer shared.Unlock()
	if !shared.inMain {
		t.Fatal("cluster.Get needs cluster.Main(m) in the package's TestMain")
	}
	if !shared.started {
		shared.started = true
		ctx, cancel := startContext(t)
		shared.cluster, shared.err = Start(ctx, shared.opts)
		cancel()
	}
	if shared.err != nil {
		t.Fatalf("starting the shared test cluster: %v", shared.err)
	}
	return shared.cluster
}

// SkipIfRequested skips t, loudly, when STRATA_SKIP_CLUSTER_TESTS=1. Tests that start their own
// cluster with Start call it first.
func SkipIfRequested(t testing.TB) {
	t.Helper()
	if os.Getenv(SkipEnv) == "1" {
		t.Skipf("SKIPPED: %s=1 is set, so this test against a real kube-apiserver did NOT run; unset it to run it (CI always does)", SkipEnv)
	}
}

// startContext bounds a lazy start by the test binary's deadline, leaving time to report.
func startContext(t testing.TB) (context.Context, context.CancelFunc) {
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if deadline, ok := d.Deadline(); ok {
			return context.WithDeadline(context.Background(), deadline.Add(-30*time.Second))
		}
	}
	return context.WithCancel(context.Background())
}
