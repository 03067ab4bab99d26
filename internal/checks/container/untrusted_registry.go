package container

import (
	"fmt"
	"strings"

	"github.com/strata-sec/strata/internal/check"
)

// Why: the registry is the publisher the cluster trusts to run code. An image from a
// registry outside the organisation's list (a personal Docker Hub namespace, a typo-squatted
// host, a registry nobody scans or mirrors) bypasses the scanning, signing and retention the
// allowed registries enforce. Matching follows the runtime: a reference without a host is
// pulled from docker.io (containerd; CRI-O may search other registries, which ST-0063
// reports), docker.io short names live under library/, and an entry such as ghcr.io/acme
// allows ghcr.io/acme/app but not ghcr.io/acme-evil/app: prefixes match whole path segments.
// Without an allow-list there is nothing to judge against, and the check is not assessed.
var untrustedRegistry = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0071",
		Slug:     "untrusted-image-registry",
		Title:    "Image comes from a registry outside the allow-list",
		Layer:    check.LayerContainer,
		Severity: check.SeverityHigh,
		Description: "The container image is pulled from a registry, or a repository path, that is not in the " +
			"configured list of allowed registries. Images from unvetted registries skip the scanning, signing " +
			"and access control the organisation applies, and a look-alike name on a public registry runs " +
			"an attacker's code with the workload's permissions.",
		Remediation: "Mirror the image into an allowed registry and reference it there (registry.example.com/team/app@sha256:...), " +
			"or, if the registry is trusted, add it to images.allowedRegistries in the strata config and enforce the same " +
			"list at admission.",
		References: []string{
			"https://kubernetes.io/docs/concepts/containers/images/#image-names",
			"https://kubernetes.io/docs/concepts/security/security-checklist/#images",
			"https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/",
		},
	},
	Run: runUntrustedRegistry,
}

func runUntrustedRegistry(env *check.Env, w *check.Workload) ([]check.Violation, error) {
	allowed := env.Images.AllowedRegistries
	if len(allowed) == 0 {
		return nil, check.NotAssessedf("no registry allow-list configured (images.allowedRegistries in the config file)")
	}
	var vs []check.Violation
	for c := range w.Containers() {
		ref, err := parseImage(c.Container.Image)
		if err != nil {
			continue
		}
		repo := resolvedRepository(ref)
		if registryAllowed(repo, allowed) {
			continue
		}
		vs = append(vs, check.Violation{
			Path: c.Path.Child("image"),
			Message: fmt.Sprintf("%s image %q is pulled from %s, which no entry of the registry allow-list (%s) covers",
				c.String(), c.Container.Image, repo, shortList(allowed)),
		})
	}
	return vs, nil
}

// shortList names a few entries of a list and counts the rest.
func shortList(l []string) string {
	if len(l) <= 4 {
		return strings.Join(l, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(l[:4], ", "), len(l)-4)
}

// resolvedRepository is host/path as containerd resolves the reference: docker.io for no
// host (and its aliases), library/ for a one-component Docker Hub name, the host lower-cased.
func resolvedRepository(r imageRef) string {
	host := strings.ToLower(r.Registry)
	switch host {
	case "", "index.docker.io", "registry-1.docker.io":
		host = "docker.io"
	}
	repo := r.Repository
	if host == "docker.io" && !strings.Contains(repo, "/") {
		repo = "library/" + repo
	}
	return host + "/" + repo
}

// registryAllowed reports whether repo (host/path) is under one of the entries, on path
// segment boundaries. Hosts compare case-insensitively.
func registryAllowed(repo string, allowed []string) bool {
	for _, a := range allowed {
		a = strings.TrimSuffix(strings.TrimSpace(a), "/")
		host, path, hasPath := strings.Cut(a, "/")
		host = strings.ToLower(host)
		switch host {
		case "index.docker.io", "registry-1.docker.io":
			host = "docker.io"
		}
		entry := host
		if hasPath {
			entry += "/" + path
		}
		if entry != "" && (repo == entry || strings.HasPrefix(repo, entry+"/")) {
			return true
		}
	}
	return false
}
