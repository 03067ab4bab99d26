// Package json renders a report as the stable machine-readable contract documented in
// docs/json-report.md (schemaVersion v1): fixed field names, two-space indentation,
// deterministic order, and arrays that are never null.
package json
