// Package noderoot prepares the fixture node roots of internal/nodefacts/testdata/roots for
// tests: it copies a root into a temporary directory and gives every path the mode, owner and
// group that testdata/roots/modes.yaml records, because Git keeps neither modes (beyond the
// executable bit), owners, empty directories nor sockets.
package noderoot
