// Package table renders a report for people at a terminal: a summary header, findings grouped
// by layer then severity with their location, field path, message, remediation and patch, the
// coverage of every layer, what was not assessed and why, input errors, exemption warnings, and
// a one-line verdict. Lines stay within 100 columns where the content allows, colour is used
// only when asked for, and control characters from the input never reach the terminal.
package table
