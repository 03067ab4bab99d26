package container

import (
	"fmt"
	"strings"

	"github.com/strata-sec/strata/internal/check"
)

// Why: a reference without a registry host does not say where the image comes from; the
// runtime decides. containerd and Docker expand it to docker.io (adding library/ to a single
// name), so "redis" is whatever Docker Hub serves under that name, a public registry where
// anyone can register look-alike namespaces, and where anonymous pulls are rate-limited (a
// denial of service at the next node scale-up). CRI-O instead walks the node's
// unqualified-search-registries in order, so the same manifest can pull from a different
// registry on a differently configured node, and an attacker who claims the name on a registry
// earlier in the list wins. Registry allow-lists in admission policies also need the host
// written out to match reliably. The fix writes out what containerd already resolves to,
// docker.io/..., which changes nothing there and makes the choice reviewable.
var implicitImageRegistry = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0063",
		Slug:     "implicit-image-registry",
		Title:    "Image does not name its registry",
		Layer:    check.LayerContainer,
		Severity: check.SeverityLow,
		Description: "The image reference has no registry host, so the container runtime picks the registry: " +
			"containerd silently uses Docker Hub, where look-alike names are easy to register and " +
			"anonymous pulls are rate-limited, and CRI-O tries each of the node's unqualified-search " +
			"registries in turn. Nobody reviewing the manifest can tell which registry, and therefore " +
			"which publisher, the cluster trusts for this image.",
		Remediation: "Write the registry host into every image reference (docker.io/library/nginx, registry.example.com/team/app), preferably a registry or pull-through mirror your organisation controls.",
		References: []string{
			"https://kubernetes.io/docs/concepts/containers/images/#image-names",
			"https://github.com/containers/image/blob/main/docs/containers-registries.conf.5.md",
			"https://docs.docker.com/docker-hub/usage/",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var vs []check.Violation
		for c := range w.Containers() {
			img := c.Container.Image
			ref, err := parseImage(img)
			if err != nil || ref.Registry != "" {
				continue
			}
			qualified := "docker.io/" + img
			if !strings.Contains(ref.Repository, "/") {
				qualified = "docker.io/library/" + img
			}
			p := c.Path.Child("image")
			vs = append(vs, check.Violation{
				Path:    p,
				Message: fmt.Sprintf("%s image %q names no registry; containerd pulls it from Docker Hub as %s, CRI-O from the node's search registries", c.String(), img, qualified),
				Fix:     []check.PatchOp{{Op: "replace", Path: check.Pointer(p), Value: qualified}},
			})
		}
		return vs, nil
	},
}
