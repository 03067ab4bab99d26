// Package engine runs checks over an inventory and turns their violations into posture:
// findings with locations and framework mappings, per-check coverage, and exemptions applied.
// The same engine serves every mode; it does no I/O.
package engine
