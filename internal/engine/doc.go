// Package engine runs checks over an inventory and turns their violations into posture:
// findings with locations and framework mappings, per-check coverage, and exemptions applied.
// The same engine serves every mode; it does no I/O.
//
// Incremental keeps a posture current as objects change. It re-evaluates the changed objects,
// the objects they control, and the ClusterChecks whose recorded reads the change touches; a
// ClusterCheck declared check.ScopeNamespace is kept per namespace and re-run on the changed
// namespace's part of the inventory only, and a check's Projection lets it skip updates that
// leave what it reads of an object unchanged (partition.go).
package engine
