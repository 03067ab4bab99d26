// Package inventory is the indexed, read-only view of objects that checks see. Sources (the
// manifest/ and, later, live/ subpackages) produce check.Objects; Index serves them by kind,
// namespace and name.
package inventory
