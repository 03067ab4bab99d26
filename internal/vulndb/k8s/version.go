package k8s

import (
	"fmt"
	"regexp"
	"strings"

	utilversion "k8s.io/apimachinery/pkg/util/version"
)

// upstreamPreRelease matches the pre-release part of upstream Kubernetes builds: alpha.N,
// beta.N and rc.N, optionally followed by the commit count of a development build.
var upstreamPreRelease = regexp.MustCompile(`^(alpha|beta|rc)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?$`)

// Version is a parsed Kubernetes version.
type Version struct {
	// Raw is the version as the cluster reported it.
	Raw string
	// v is the version matched: the upstream release, with its upstream pre-release if any.
	v *utilversion.Version
	// Vendor is the suffix of a vendor build that was set aside for matching ("-eks-1a2b",
	// "+k3s1"); empty for upstream builds.
	Vendor string
}

// ParseVersion parses a full Kubernetes version (v1.30.2, 1.30.0-rc.1, v1.29.3-eks-1a2b). A
// version without a patch number, or that is not a version at all, is an error: a match on a
// guess would be a finding nobody can trust.
func ParseVersion(s string) (Version, error) {
	raw := strings.TrimSpace(s)
	v, err := utilversion.ParseSemantic(raw)
	if err != nil {
		return Version{}, fmt.Errorf("parse Kubernetes version %q: want vMAJOR.MINOR.PATCH", s)
	}
	out := Version{Raw: raw, v: v}
	pre, build := v.PreRelease(), v.BuildMetadata()
	core := release(v)
	switch {
	case pre == "" && build == "":
	case pre == "":
		out.v, out.Vendor = core, "+"+build
	case upstreamPreRelease.MatchString(pre):
		if out.v, err = utilversion.ParseSemantic(core.String() + "-" + pre); err != nil {
			return Version{}, fmt.Errorf("parse Kubernetes version %q: %w", s, err)
		}
		if build != "" {
			out.Vendor = "+" + build
		}
	default:
		// A pre-release that is not upstream's is a vendor's build suffix. Left in place it
		// would sort the build before the release it is made from.
		out.v, out.Vendor = core, raw[strings.IndexAny(raw, "-+"):]
	}
	return out, nil
}

// String returns the version matched, as v1.30.0 or v1.30.0-rc.1 (without a vendor suffix).
func (v Version) String() string {
	if v.v == nil {
		return ""
	}
	return "v" + v.v.String()
}

// Minor returns the release line, as "1.30".
func (v Version) Minor() string {
	if v.v == nil {
		return ""
	}
	return fmt.Sprintf("%d.%d", v.v.Major(), v.v.Minor())
}

// PreRelease returns the upstream pre-release ("rc.1"), or "".
func (v Version) PreRelease() string {
	if v.v == nil {
		return ""
	}
	return v.v.PreRelease()
}

// Exact reports whether v is an upstream release, matched with full confidence.
func (v Version) Exact() bool { return v.Vendor == "" && v.PreRelease() == "" }

// Caveat says why a match on v is less certain; empty for upstream releases.
func (v Version) Caveat() string {
	switch {
	case v.Vendor != "":
		return fmt.Sprintf("vendor build %s matched as upstream %s; the vendor may have backported fixes", v.Raw, v)
	case v.PreRelease() != "":
		return fmt.Sprintf("pre-release %s treated as carrying the code of v%d.%d.%d", v, v.v.Major(), v.v.Minor(), v.v.Patch())
	}
	return ""
}

// sameMinor reports whether v and w are on the same release line.
func sameMinor(v, w *utilversion.Version) bool {
	return v.Major() == w.Major() && v.Minor() == w.Minor()
}

// release returns v without its pre-release and build metadata: the release a pre-release
// leads to. It is built by parsing, because versions built from numbers compare without their
// pre-releases.
func release(v *utilversion.Version) *utilversion.Version {
	r, err := utilversion.ParseSemantic(fmt.Sprintf("%d.%d.%d", v.Major(), v.Minor(), v.Patch()))
	if err != nil { // three numbers always parse
		return v
	}
	return r
}
