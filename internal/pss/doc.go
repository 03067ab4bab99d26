// Package pss adapts the upstream Pod Security Standards implementation,
// k8s.io/pod-security-admission/policy, to strata checks.
//
// Every PSS control is one strata check. Whether a pod is allowed is always upstream's verdict,
// for the requested policy version; strata never restates the rules. What strata adds is where:
// a small locator per check points the verdict at the offending fields, with a message scoped to
// that field and, where the fix is mechanical, a JSON patch. Locators find which part of a pod
// is forbidden by asking the same upstream check about synthetic pods built from that part, and
// when a locator cannot place a verdict the adapter reports it on the pod spec as a whole, so the
// verdict always equals upstream's.
package pss
