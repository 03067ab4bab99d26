package k8s

import (
	"slices"
	"strings"

	utilversion "k8s.io/apimachinery/pkg/util/version"
)

// Vuln is a CVE that affects a component at a version.
type Vuln struct {
	CVE
	// Component is the component the match was for.
	Component string
	// Fixed is the first fixed patch release on the version's own release line ("v1.24.17");
	// empty when that line never received a fix.
	Fixed string
	// FixedIn lists every fixed release, oldest first; empty when no release fixes the CVE.
	FixedIn []string
	// Exact is false when the version is a vendor build or a pre-release, so the match is less
	// certain; Caveat then says why.
	Exact  bool
	Caveat string
}

// Match returns the CVEs that affect component at version, most severe first. Entries for a
// single node operating system are included; use MatchVersion to narrow them. A version that
// does not parse matches nothing: callers that must tell "not affected" from "could not tell"
// call ParseVersion first.
func (db *DB) Match(component, version string) []Vuln {
	v, err := ParseVersion(version)
	if err != nil {
		return nil
	}
	return db.MatchVersion(component, "", v)
}

// MatchVersion returns the CVEs that affect component at v on a node running os ("linux",
// "windows"; empty when unknown, which keeps entries for any operating system), most severe
// first.
func (db *DB) MatchVersion(component, os string, v Version) []Vuln {
	if v.v == nil {
		return nil
	}
	var out []Vuln
	for _, c := range db.doc.CVEs {
		if c.Origin != OriginCurated || !slices.Contains(c.Components, component) {
			continue
		}
		if c.OS != "" && os != "" && !strings.EqualFold(c.OS, os) {
			continue
		}
		r, ok := affecting(db.ranges[c.ID], v.v)
		if !ok {
			continue
		}
		vu := Vuln{CVE: c, Component: component, Exact: v.Exact(), Caveat: v.Caveat()}
		if r.fixed != nil && sameMinor(r.fixed, v.v) {
			vu.Fixed = "v" + r.fixed.String()
		}
		vu.FixedIn = fixedVersions(db.ranges[c.ID])
		out = append(out, vu)
	}
	slices.SortStableFunc(out, func(a, b Vuln) int {
		if a.CVSS != b.CVSS {
			if a.CVSS > b.CVSS {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// affecting returns the range v falls in. A pre-release counts from the release it leads to
// (v1.30.0-rc.1 has the code of v1.30.0), but only a release fixes: a pre-release of the fixed
// version is still affected.
func affecting(ranges []parsedRange, v *utilversion.Version) (parsedRange, bool) {
	from := v
	if v.PreRelease() != "" {
		from = release(v)
	}
	for _, r := range ranges {
		if from.LessThan(r.introduced) {
			continue
		}
		if r.fixed == nil || v.LessThan(r.fixed) {
			return r, true
		}
	}
	return parsedRange{}, false
}

func fixedVersions(ranges []parsedRange) []string {
	var vs []*utilversion.Version
	for _, r := range ranges {
		if r.fixed != nil {
			vs = append(vs, r.fixed)
		}
	}
	slices.SortFunc(vs, func(a, b *utilversion.Version) int {
		switch {
		case a.LessThan(b):
			return -1
		case b.LessThan(a):
			return 1
		}
		return 0
	})
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = "v" + v.String()
	}
	return out
}
