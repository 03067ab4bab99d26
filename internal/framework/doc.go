// Package framework maps compliance and threat frameworks — Pod Security Standards, the CIS
// Kubernetes Benchmark, the NSA/CISA Kubernetes Hardening Guidance and MITRE ATT&CK for
// Containers — to strata check IDs.
//
// The mappings are data, not code: one YAML file per framework under data/, embedded in the
// binary and parsed strictly, so a misspelt field or a malformed check ID fails loudly with the
// file and line. Every control of a framework is listed, including those no check covers yet
// (with an empty check list), so per-control coverage in reports is honest.
package framework
