// Package synth generates realistic synthetic Kubernetes inventories for benchmarks and load
// tests: workloads of every kind with a mix of hardened and risky pod specs, spread over many
// namespaces, plus the Services, ConfigMaps, ServiceAccounts, RBAC objects and NetworkPolicies
// that surround them. Output is deterministic for a seed, so measurements are comparable.
//
// Secret-looking values in the output are random and fake; they exist so that checks for
// literal credentials have something to find.
package synth
