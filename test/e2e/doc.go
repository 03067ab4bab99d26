// Package e2e runs the real strata binary against a real kube-apiserver and etcd (test/cluster)
// and holds it to what it promises about live scans:
//
//   - a live scan of applied manifests finds exactly what a manifest scan of the same files
//     finds, except where the API server's defaulting legitimately changes the object;
//   - a user with little RBAC gets an honest report (not-assessed with the reason), not a crash
//     and not a green one;
//   - an API server that goes away, or was never there, ends the scan with exit code 2 and a
//     message naming the server, never with a report that reads as clean;
//   - Secret values never reach any output format.
//
// The package also holds the live-scan benchmark (15,000 objects in a private cluster):
//
//	go test ./test/e2e -run '^$' -bench BenchmarkLiveScan15k -benchtime 3x -timeout 30m
//
// TestMain builds cmd/strata once into a temporary directory; the tests share one cluster
// (cluster.Main), except those that stop the API server, which start their own.
package e2e
