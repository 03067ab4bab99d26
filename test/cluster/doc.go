// Package cluster starts a real Kubernetes control plane — etcd, kube-apiserver and optionally
// kube-controller-manager — on loopback for strata's live-cluster tests.
//
// The binaries are built from pinned Go modules (the tool modules under tools/) into a cache
// directory keyed by version, so a fresh clone needs nothing but the Go module proxy. A cold build
// of kube-apiserver takes 10-15 minutes on two cores; run
//
//	go run ./test/cluster/cmd/testcluster build
//
// once before `go test` so the test binary does not hit its timeout while compiling.
//
// A test package shares one cluster across its tests:
//
//	func TestMain(m *testing.M) { os.Exit(cluster.Main(m)) }
//
//	func TestSomething(t *testing.T) {
//		c := cluster.Get(t)
//		client := kubernetes.NewForConfigOrDie(c.AdminConfig())
//		...
//	}
//
// The cluster starts lazily on the first Get, so `go test -run` on unit tests alone costs nothing.
// Setting STRATA_SKIP_CLUSTER_TESTS=1 skips cluster tests with a loud message (quick local runs
// only; CI never sets it). Tests never skip because binaries are missing: they build them.
package cluster
