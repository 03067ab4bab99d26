// Package kernel is strata's dataset of Linux kernel vulnerabilities used for container escape
// and privilege escalation, and the matcher that decides which of them a node's kernel release
// may carry.
//
// The dataset is embedded (dataset.json, with its sources and the meaning of each field in its
// header) and curated by hand: affected ranges are recorded per upstream stable series, with
// the preconditions an attacker needs and the pod settings that give a container those
// preconditions.
//
// Release strings are parsed as the distributions write them (5.15.0-91-generic,
// 6.1.0-18-amd64, 5.10.205-195.807.amzn2.x86_64, 4.18.0-513.el8.x86_64). A match is never
// certain: distributions backport fixes without changing the upstream version, so a match on
// an upstream-looking release is "possible", and one on a kernel whose release string hides
// the upstream patch level (Ubuntu, Debian without /proc/version) or whose vendor backports
// heavily (RHEL and its rebuilds) is "unknown".
package kernel
