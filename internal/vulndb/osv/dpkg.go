package osv

import "strings"

// dpkgOrder orders Debian and Ubuntu package versions as Debian policy §5.6.12 defines:
// [epoch:]upstream_version[-debian_revision]. Epochs compare as numbers; upstream versions and
// revisions compare by alternating non-digit and digit parts, where in non-digit parts letters
// sort before non-letters and '~' before everything, even the end of the part.
type dpkgOrder struct{}

func (dpkgOrder) name() string              { return "dpkg" }
func (dpkgOrder) normalize(v string) string { return v }

// valid accepts what policy allows: an optional numeric epoch, an upstream version that starts
// with a digit and holds only alphanumerics and . + - ~ (and ':' only with an epoch), and a
// revision of alphanumerics and + . ~.
func (dpkgOrder) valid(v string) bool {
	epoch, upstream, revision, ok := splitDpkg(v)
	if !ok || upstream == "" || !isDigit(upstream[0]) {
		return false
	}
	if epoch != "" && !allDigits(epoch) {
		return false
	}
	for i := 0; i < len(upstream); i++ {
		c := upstream[i]
		if !(isDigit(c) || isLetter(c) || strings.IndexByte(".+-~:", c) >= 0) || c == ':' && epoch == "" {
			return false
		}
	}
	for i := 0; i < len(revision); i++ {
		c := revision[i]
		if !(isDigit(c) || isLetter(c) || strings.IndexByte(".+~", c) >= 0) {
			return false
		}
	}
	return true
}

// splitDpkg splits at the first colon (epoch) and the last hyphen (revision). ok is false for
// an empty epoch or revision ("1:" prefix missing digits, trailing "-").
func splitDpkg(v string) (epoch, upstream, revision string, ok bool) {
	upstream = v
	if i := strings.IndexByte(v, ':'); i >= 0 {
		epoch, upstream = v[:i], v[i+1:]
		if epoch == "" {
			return "", "", "", false
		}
	}
	if i := strings.LastIndexByte(upstream, '-'); i >= 0 {
		upstream, revision = upstream[:i], upstream[i+1:]
		if revision == "" {
			return "", "", "", false
		}
	}
	return epoch, upstream, revision, true
}

func (dpkgOrder) compare(a, b string) int {
	ea, ua, ra, _ := splitDpkg(a)
	eb, ub, rb, _ := splitDpkg(b)
	if c := cmpDigits(ea, eb); c != 0 {
		return c
	}
	if c := dpkgVerRevCmp(ua, ub); c != 0 {
		return c
	}
	// A missing revision is equivalent to a revision of "0" (policy §5.6.12), which the
	// algorithm below already treats as equal to the empty string.
	return dpkgVerRevCmp(ra, rb)
}

// dpkgVerRevCmp compares an upstream version or a revision.
func dpkgVerRevCmp(a, b string) int {
	for a != "" || b != "" {
		// Non-digit prefix, character by character with the policy's modified ASCII order.
		na, nb := nonDigitPrefix(a), nonDigitPrefix(b)
		for i := 0; i < len(na) || i < len(nb); i++ {
			ca, cb := dpkgCharWeight(na, i), dpkgCharWeight(nb, i)
			if ca != cb {
				if ca < cb {
					return -1
				}
				return 1
			}
		}
		a, b = a[len(na):], b[len(nb):]
		da, db := leadingDigits(a), leadingDigits(b)
		if c := cmpDigits(da, db); c != 0 {
			return c
		}
		a, b = a[len(da):], b[len(db):]
	}
	return 0
}

func nonDigitPrefix(s string) string {
	i := 0
	for i < len(s) && !isDigit(s[i]) {
		i++
	}
	return s[:i]
}

// dpkgCharWeight is the sort weight of s[i] in a non-digit part: '~' lowest, then the end of
// the part, then letters, then every other character.
func dpkgCharWeight(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	switch c := s[i]; {
	case c == '~':
		return -1
	case isLetter(c):
		return int(c)
	default:
		return int(c) + 256
	}
}
