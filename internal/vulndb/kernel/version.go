package kernel

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// version is an upstream kernel version, MAJOR.MINOR.PATCH ("2.6.22" is 2.6.22).
type version struct{ major, minor, patch int }

func (v version) compare(w version) int {
	for _, d := range [...]int{v.major - w.major, v.minor - w.minor, v.patch - w.patch} {
		if d != 0 {
			if d < 0 {
				return -1
			}
			return 1
		}
	}
	return 0
}

func (v version) String() string { return fmt.Sprintf("%d.%d.%d", v.major, v.minor, v.patch) }

var versionPattern = regexp.MustCompile(`^([0-9]+)\.([0-9]+)(?:\.([0-9]+))?`)

// parseVersion reads MAJOR.MINOR[.PATCH]; a missing patch is 0.
func parseVersion(s string) (version, error) {
	m := versionPattern.FindStringSubmatch(s)
	if m == nil || len(m[0]) != len(s) {
		return version{}, fmt.Errorf("%q is not a kernel version", s)
	}
	return leadingVersion(m), nil
}

func leadingVersion(m []string) version {
	var v version
	v.major, _ = strconv.Atoi(m[1])
	v.minor, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		v.patch, _ = strconv.Atoi(m[3])
	}
	return v
}

// Distributions a release string is attributed to.
const (
	DistroUbuntu = "ubuntu"
	DistroDebian = "debian"
	// DistroRHEL covers Red Hat Enterprise Linux and its rebuilds and derivatives (CentOS,
	// Rocky, AlmaLinux, Oracle Linux, Fedora CoreOS is not among them): their .elN kernels
	// keep the upstream version of the major release and backport thousands of fixes.
	DistroRHEL   = "rhel"
	DistroAmazon = "amazon"
)

// Release is a parsed kernel release string.
type Release struct {
	// Raw is the release string as given ("5.15.0-91-generic").
	Raw string
	// Upstream is the upstream version the kernel is built from, as far as the string says.
	Upstream version
	// PatchKnown is false when the string pins the upstream patch level to 0 although the
	// kernel is built from a later one (Ubuntu always, Debian without /proc/version).
	PatchKnown bool
	// Distro is the distribution the kernel comes from; "" when unknown.
	Distro string
	// ABI is the Ubuntu or Debian ABI number (91 in 5.15.0-91-generic); 0 when none.
	ABI int
}

// Version is the upstream version as MAJOR.MINOR.PATCH, or MAJOR.MINOR.x when the patch level
// is not known.
func (r Release) Version() string {
	if !r.PatchKnown {
		return fmt.Sprintf("%d.%d.x", r.Upstream.major, r.Upstream.minor)
	}
	return r.Upstream.String()
}

var (
	// abiSuffix is the Ubuntu and Debian form: -ABI-FLAVOUR (5.15.0-91-generic, 6.1.0-18-amd64).
	abiSuffix = regexp.MustCompile(`^-([0-9]+)-([a-z][a-z0-9+-]*)$`)
	// debianVersion is the package version Debian prints in /proc/version ("Debian 6.1.76-1").
	debianVersion = regexp.MustCompile(`Debian ([0-9]+\.[0-9]+\.[0-9]+)-`)
	rhelSuffix    = regexp.MustCompile(`\.el[0-9]+`)
)

// debianFlavours are the flavour suffixes of Debian kernel packages.
var debianFlavours = []string{"amd64", "arm64", "cloud-amd64", "cloud-arm64", "rt-amd64", "rt-arm64", "686", "686-pae", "armmp", "armmp-lpae", "marvell", "powerpc64le", "s390x", "loong64", "riscv64", "mips64r2el", "octeon", "4kc-malta", "5kc-malta", "rpi"}

// ParseRelease parses a kernel release string. osHint is what else is known about the
// operating system: /etc/os-release's ID or PRETTY_NAME, or a Node's osImage ("Ubuntu 22.04.3
// LTS"); procVersion is /proc/version when known, from which Debian's upstream patch level is
// read. Both may be empty.
func ParseRelease(release, osHint, procVersion string) (Release, error) {
	raw := strings.TrimSpace(release)
	m := versionPattern.FindStringSubmatch(raw)
	if m == nil {
		return Release{}, fmt.Errorf("kernel release %q does not start with a version", release)
	}
	r := Release{Raw: raw, Upstream: leadingVersion(m), PatchKnown: true}
	suffix := raw[len(m[0]):]
	hint := distroFromHint(osHint)
	switch {
	case rhelSuffix.MatchString(suffix) || hint == DistroRHEL:
		r.Distro = DistroRHEL
	case strings.Contains(suffix, "amzn") || hint == DistroAmazon:
		r.Distro = DistroAmazon
	default:
		if a := abiSuffix.FindStringSubmatch(suffix); a != nil && r.Upstream.patch == 0 {
			r.ABI, _ = strconv.Atoi(a[1])
			r.Distro = abiDistro(a[2], hint)
			r.PatchKnown = r.Distro == ""
		}
	}
	if r.Distro == DistroDebian {
		// /proc/version also names the Debian compiler and binutils ("gcc-12 (Debian
		// 12.2.0-14)"), so only a version of the release's own series counts.
		for _, d := range debianVersion.FindAllStringSubmatch(procVersion, -1) {
			if v, err := parseVersion(d[1]); err == nil && v.major == r.Upstream.major && v.minor == r.Upstream.minor {
				r.Upstream, r.PatchKnown = v, true
			}
		}
	}
	return r, nil
}

// abiDistro attributes an -ABI-FLAVOUR release to Ubuntu or Debian by the OS hint, else by the
// flavour: Debian's flavours are architecture names, Ubuntu's are generic, lowlatency and
// cloud names.
func abiDistro(flavour, hint string) string {
	switch {
	case hint == DistroUbuntu || hint == DistroDebian:
		return hint
	case hint != "":
		return ""
	}
	for _, f := range debianFlavours {
		if flavour == f {
			return DistroDebian
		}
	}
	return DistroUbuntu
}

// distroFromHint recognises the distribution in an os-release ID or an osImage.
func distroFromHint(hint string) string {
	h := strings.ToLower(hint)
	switch {
	case h == "":
		return ""
	case strings.Contains(h, "ubuntu"):
		return DistroUbuntu
	case strings.Contains(h, "debian"):
		return DistroDebian
	case strings.Contains(h, "amazon linux") || h == "amzn":
		return DistroAmazon
	case strings.Contains(h, "red hat") || strings.Contains(h, "centos") || strings.Contains(h, "rocky") ||
		strings.Contains(h, "almalinux") || strings.Contains(h, "oracle linux") ||
		h == "rhel" || h == "ol" || h == "rocky" || h == "almalinux":
		return DistroRHEL
	}
	return "other"
}
