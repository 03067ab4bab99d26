package osv

import "strings"

// versionOrder orders the versions of one ecosystem. compare is only called with versions for
// which valid is true; Compare extends it to any strings.
type versionOrder interface {
	// name says which rules apply, for messages ("dpkg", "apk").
	name() string
	// normalize maps a version as an image records it to the form the ecosystem's advisories
	// use (a Go module's "v1.2.3" and OSV's "1.2.3"); most ecosystems keep it as it is.
	normalize(v string) string
	valid(v string) bool
	compare(a, b string) int
}

// compareVersions orders two versions under o, for any strings: versions o cannot parse sort below
// every valid one, among themselves by byte order. It never panics and is a total order, so
// sorting with it is safe even on garbage input.
func compareVersions(o versionOrder, a, b string) int {
	a, b = o.normalize(a), o.normalize(b)
	va, vb := o.valid(a), o.valid(b)
	switch {
	case va && vb:
		return o.compare(a, b)
	case va:
		return 1
	case vb:
		return -1
	default:
		return strings.Compare(a, b)
	}
}

// orderFor returns the version order of an OSV ecosystem's base name ("Debian", not
// "Debian:12"); ok is false when strata cannot order that ecosystem's versions.
func orderFor(base string) (versionOrder, bool) {
	switch base {
	case "Debian", "Ubuntu":
		return dpkgOrder{}, true
	case "Alpine":
		return apkOrder{}, true
	case "Red Hat", "AlmaLinux", "Rocky Linux", "openSUSE", "SUSE", "Mageia", "openEuler":
		return rpmOrder{}, true
	case "Go":
		return goOrder{}, true
	}
	return nil, false
}

// cmpDigits compares two strings of ASCII digits as non-negative integers of any length.
func cmpDigits(a, b string) int {
	a = strings.TrimLeft(a, "0")
	b = strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// leadingDigits returns the longest prefix of s made of digits.
func leadingDigits(s string) string {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i]
}

func allDigits(s string) bool { return s != "" && len(leadingDigits(s)) == len(s) }
