package cluster

import (
	"fmt"
	"regexp"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/version"

	"github.com/strata-sec/strata/internal/podspec"
)

// imageRepoTag splits an image reference into its repository path without the registry host
// and its tag ("" when there is none). The host is recognised as container runtimes do: the
// first of several components is a host when it contains '.' or ':' or is "localhost". A
// digest is dropped: it pins content but says nothing about the version.
func imageRepoTag(image string) (repo, tag string) {
	ref, _, _ := strings.Cut(image, "@")
	if first, rest, ok := strings.Cut(ref, "/"); ok && (first == "localhost" || strings.ContainsAny(first, ".:")) {
		ref = rest
	}
	if i := strings.LastIndexByte(ref, ':'); i >= 0 {
		ref, tag = ref[:i], ref[i+1:]
	}
	return strings.TrimPrefix(strings.ToLower(ref), "library/"), tag
}

// tagVersionRE takes the release version out of a tag: v1.11.2, 1.11.3-debian-12-r0 (a
// distribution build of 1.11.3), 8.0.0-beta1, v2.10.0-rc.2. Only alpha, beta and rc suffixes
// are pre-releases; anything else after the version names a build variant of that release.
var tagVersionRE = regexp.MustCompile(`^v?([0-9]+\.[0-9]+\.[0-9]+)(-(?:alpha|beta|rc)\.?[0-9]*(?:\.[0-9]+)*)?(?:[-_+.].*)?$`)

// tagVersion parses the version a tag names; nil when the tag names none (latest, a branch, a
// commit, a two-part floating tag such as 8.3).
func tagVersion(tag string) *version.Version {
	m := tagVersionRE.FindStringSubmatch(tag)
	if m == nil {
		return nil
	}
	v, err := version.ParseSemantic(m[1] + m[2])
	if err != nil {
		return nil
	}
	return v
}

// recognisedComponent is a container found to run a known component.
type recognisedComponent struct {
	component *thirdPartyComponent
	container podspec.Container
	// version is nil when the tag names none.
	version *version.Version
	tag     string
}

// recognise returns the component a container runs, by image, or by the pod's labels and the
// container's name for a mirror under another name.
func recognise(meta *metav1.ObjectMeta, c podspec.Container) (recognisedComponent, bool) {
	repo, tag := imageRepoTag(c.Container.Image)
	for _, comp := range thirdPartyComponents {
		if comp.matchesImage(repo) || comp.matchesHint(meta, c.Container.Name) {
			return recognisedComponent{component: comp, container: c, version: tagVersion(tag), tag: tag}, true
		}
	}
	return recognisedComponent{}, false
}

func (c *thirdPartyComponent) matchesImage(repo string) bool {
	for _, p := range c.images {
		if repo == p || strings.HasSuffix(repo, "/"+p) {
			return true
		}
	}
	return false
}

func (c *thirdPartyComponent) matchesHint(meta *metav1.ObjectMeta, container string) bool {
	if meta == nil {
		return false
	}
	for _, h := range c.hints {
		if h.container != container {
			continue
		}
		all := true
		for k, v := range h.labels {
			all = all && meta.Labels[k] == v
		}
		if all {
			return true
		}
	}
	return false
}

// componentHit is a vulnerability that affects a version, with the release that fixes it in
// that version's line ("" when none does).
type componentHit struct {
	componentVuln
	fixed string
}

// affects returns the vulnerabilities of the component that affect v.
func (c *thirdPartyComponent) affects(v *version.Version) ([]componentHit, error) {
	var out []componentHit
	for _, vu := range c.vulns {
		for _, s := range vu.affected {
			in, err := s.contains(v)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", c.name, vu.id, err)
			}
			if in {
				out = append(out, componentHit{vu, s.fixed})
				break
			}
		}
	}
	return out, nil
}

func (s versionSpan) contains(v *version.Version) (bool, error) {
	if s.introduced != "" {
		c, err := v.Compare(s.introduced)
		if err != nil {
			return false, err
		}
		if c < 0 {
			return false, nil
		}
	}
	if s.fixed == "" {
		return true, nil
	}
	c, err := v.Compare(s.fixed)
	return c < 0, err
}
