// Package docs generates the check reference in docs/checks from the checks' own metadata, the
// framework mappings and the checks' fixtures: an index (README.md) grouped by layer with
// per-framework coverage, and one page per check with a failing and a passing example.
//
// Output is deterministic, so a test can regenerate it in memory and fail when the committed
// files are stale (Check). Regenerate with `go generate ./internal/docs`.
package docs
