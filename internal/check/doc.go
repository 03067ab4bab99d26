// Package check is the contract between strata's checks and everything that runs them: check
// metadata (ID, layer, severity, remediation), the typed check kinds, the violations a check
// returns, the Inventory interface cross-object checks read, and the validated Registry.
//
// The package never imports client-go, so checks stay pure functions over typed API objects.
package check
