// Package sarif renders a report as SARIF 2.1.0 for code-scanning services: one rule per check
// that ran, one result per finding (suppressed findings carry their exemption as a SARIF
// suppression), and input errors, check errors and not-assessed checks as tool execution
// notifications. The output is built from Go types, never by concatenating strings, and a test
// validates it against the official schema.
package sarif
