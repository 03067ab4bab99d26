// Package posture holds what a scan concludes: findings keyed by stable IDs, per-check coverage,
// input errors and exemptions. Sinks render it; nothing in a sink recomputes a finding.
package posture
