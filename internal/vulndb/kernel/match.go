package kernel

import (
	"fmt"
	"strings"
)

// Confidence says how far a release string supports a match.
type Confidence string

const (
	// ConfidencePossible: the upstream version in the release string is in an affected range,
	// but the vendor may have backported the fix without changing it.
	ConfidencePossible Confidence = "possible"
	// ConfidenceUnknown: the release string cannot settle the question, because it hides the
	// upstream patch level or the vendor backports so heavily that upstream ranges say
	// little; only the vendor's advisory for the exact package can.
	ConfidenceUnknown Confidence = "unknown"
)

// Match is one CVE a kernel release may carry.
type Match struct {
	CVE        CVE
	Confidence Confidence
	// Reason explains the confidence in a sentence a message can carry.
	Reason string
	// Fixed is the first fixed version of the release's series ("5.15.25", "6.2.0-26"); empty
	// when the series never received the fix.
	Fixed string
}

// Match returns the kernel CVEs the release may carry, in dataset order. Runtime entries are
// never matched: the kernel release says nothing about the runtime.
func (db *DB) Match(r Release) []Match {
	var out []Match
	for _, c := range db.doc.CVEs {
		if c.Kind != KindKernel {
			continue
		}
		var m Match
		var ok bool
		if c.Distro != "" {
			m, ok = matchDistro(c, r)
		} else {
			m, ok = matchUpstream(c, db.ranges[c.ID], r)
		}
		if ok {
			m.CVE = c
			out = append(out, m)
		}
	}
	return out
}

// matchDistro matches an entry that exists only in one distribution's kernels, on that
// distribution's ABI number.
func matchDistro(c CVE, r Release) (Match, bool) {
	if r.Distro != c.Distro || r.ABI == 0 {
		return Match{}, false
	}
	for _, f := range c.DistroFixed {
		base, _ := parseVersion(f.Base)
		if base.major != r.Upstream.major || base.minor != r.Upstream.minor {
			continue
		}
		if r.ABI >= f.FixedABI {
			return Match{}, false
		}
		return Match{
			Confidence: ConfidencePossible,
			Reason: fmt.Sprintf("ABI %d is older than the %s advisory's fixed %s-%d, but a livepatch or a rebuilt package may carry the fix",
				r.ABI, distroName(c.Distro), f.Base, f.FixedABI),
			Fixed: fmt.Sprintf("%s-%d", f.Base, f.FixedABI),
		}, true
	}
	return Match{}, false
}

func matchUpstream(c CVE, ranges []parsedRange, r Release) (Match, bool) {
	for _, pr := range ranges {
		hit := pr.contains(r.Upstream)
		if !r.PatchKnown {
			hit = pr.intersectsSeries(r.Upstream.major, r.Upstream.minor)
		}
		if !hit {
			continue
		}
		m := Match{Confidence: ConfidencePossible, Reason: possibleReason(r)}
		if pr.hasFixed {
			m.Fixed = pr.fixed.String()
		}
		if r.Distro == DistroRHEL || !r.PatchKnown {
			m.Confidence, m.Reason = ConfidenceUnknown, unknownReason(r)
		}
		return m, true
	}
	return Match{}, false
}

func (pr parsedRange) contains(v version) bool {
	return v.compare(pr.introduced) >= 0 && (!pr.hasFixed || v.compare(pr.fixed) < 0)
}

// intersectsSeries reports whether some patch release of MAJOR.MINOR falls in the range.
func (pr parsedRange) intersectsSeries(major, minor int) bool {
	top := version{major, minor, int(^uint(0) >> 1)}
	return top.compare(pr.introduced) >= 0 && (!pr.hasFixed || version{major, minor, 0}.compare(pr.fixed) < 0)
}

func possibleReason(r Release) string {
	if r.Distro == "" {
		return fmt.Sprintf("upstream %s is in the affected range; a vendor kernel may carry a backported fix", r.Version())
	}
	return fmt.Sprintf("upstream %s is in the affected range, but %s backports fixes without changing the upstream version", r.Version(), distroName(r.Distro))
}

func unknownReason(r Release) string {
	if r.Distro == DistroRHEL {
		return fmt.Sprintf("%s kernels keep upstream %d.%d and backport fixes, so only the vendor advisory for this exact package can tell",
			distroName(r.Distro), r.Upstream.major, r.Upstream.minor)
	}
	return fmt.Sprintf("the %s release string does not say which upstream %d.%d patch level the kernel is built from, and some of that series is affected",
		distroName(r.Distro), r.Upstream.major, r.Upstream.minor)
}

func distroName(d string) string {
	switch d {
	case DistroRHEL:
		return "RHEL-family"
	case DistroAmazon:
		return "Amazon Linux"
	case "":
		return "the vendor"
	}
	return strings.ToUpper(d[:1]) + d[1:]
}
