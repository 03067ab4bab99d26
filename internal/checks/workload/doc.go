// Package workload holds the workload-layer checks: Pod Security Standards controls and the
// pod-spec hardening strata asks for beyond them. Each check is one file; Checks lists them.
package workload
