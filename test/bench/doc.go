// Package bench holds end-to-end scan tests: a benchmark of a whole manifest scan (load, index,
// evaluate every registered check) over a synthetic inventory from internal/synth, a smoke test
// of the same path, and tests that keep the bundled examples/ honest.
//
//	go test ./test/bench -run '^$' -bench BenchmarkScan10k -benchmem
package bench
