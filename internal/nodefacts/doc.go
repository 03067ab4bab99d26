// Package nodefacts collects typed, JSON-serialisable facts about a Kubernetes node — the
// kubelet's flags and configuration, control-plane static pods, the modes and owners of the
// files the CIS Kubernetes Benchmark names, kernel, sysctls, listening sockets, sshd and
// Localhost seccomp profiles — from a root directory (the host's / or a mounted copy of it).
//
// Facts are one object of kind NodeFacts in an inventory, so node, kernel and cluster checks
// are ordinary ObjectCheck[*Facts] values run by the engine. Collection never escapes the root
// (reads go through os.Root), bounds every read, and records a missing file as not present
// rather than as an error. A recorded Facts JSON can be replayed with Decode.
package nodefacts
