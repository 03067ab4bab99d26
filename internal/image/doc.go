// Package image fetches container images and analyses them at rest: configuration (user,
// ports, environment names), the flattened filesystem (shells, package managers, network
// tools, interpreters, setuid files, world-writable directories, private keys and credential
// files), the OS release, and installed packages (dpkg, apk, rpm and Go binaries).
//
// Images come from registries (go-containerregistry's remote package, with the default
// keychain), from OCI layout directories ("oci:DIR", "oci:DIR:TAG", "oci:DIR@sha256:...")
// and from `docker save` tarballs ("docker-archive:FILE.tar", "docker-archive:FILE.tar:repo:tag").
// Layers are read as streams from the top layer down, whiteouts applied on the way, so no layer
// is ever held in memory and the image is never written to disk; every read is bounded.
//
// An Analyzer resolves each reference to a manifest digest first and analyses each distinct
// digest once; the analysis (without vulnerabilities and signature, which depend on a database
// and keys that change) is kept in an on-disk cache keyed by digest.
package image
