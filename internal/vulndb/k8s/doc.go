// Package k8s is strata's dataset of Kubernetes release end-of-life dates and Kubernetes CVEs,
// and the matcher that decides which CVEs affect a component at a version.
//
// The dataset is embedded (dataset.json, with its sources and the meaning of each field in its
// header) and curated by hand: each CVE's affected version ranges come from its advisory.
// 'strata db update' merges CVEs published since then from the official Kubernetes CVE feed
// into a local copy under the user's data directory, which Load prefers to the embedded one.
// CVEs the feed adds have no version ranges; they are reported as published but never matched,
// because a guess at the affected versions would be a finding nobody can trust.
//
// Versions are compared as semantic versions with k8s.io/apimachinery/pkg/util/version.
// Kubernetes pre-releases (v1.30.0-rc.1) are treated as carrying the code of the release they
// precede; vendor builds (v1.29.3-eks-1a2b, v1.28.5+k3s1, v1.27.3-gke.100) are matched as the
// upstream patch release they are built from, with lower confidence, since vendors backport
// fixes.
package k8s
