package osv

import (
	"strings"

	"golang.org/x/mod/semver"
)

// goOrder orders Go module versions as semantic versions (golang.org/x/mod/semver). OSV's Go
// records write versions without the "v" prefix ("1.2.3") while go.mod and build information
// write it ("v1.2.3"), and the standard library is recorded as "go1.21.3": all are normalised
// to "v1.2.3" before comparing. "+incompatible" build metadata is ignored as semver says.
type goOrder struct{}

func (goOrder) name() string { return "semver" }

func (goOrder) normalize(v string) string {
	if strings.HasPrefix(v, "go1") {
		v = goToolchain(v[2:])
	}
	if v != "" && v[0] != 'v' {
		v = "v" + v
	}
	return v
}

func (goOrder) valid(v string) bool { return semver.IsValid(v) }

func (goOrder) compare(a, b string) int { return semver.Compare(a, b) }

// goToolchain turns a Go release as the toolchain names it ("1.21", "1.21.3", "1.22rc1",
// "1.21beta2") into the semantic version OSV uses ("1.21.0", "1.21.3", "1.22.0-rc.1").
func goToolchain(v string) string {
	pre := ""
	for _, tag := range []string{"rc", "beta"} {
		if i := strings.Index(v, tag); i > 0 {
			v, pre = v[:i], "-"+tag+"."+v[i+len(tag):]
			break
		}
	}
	if strings.Count(v, ".") == 1 {
		v += ".0"
	}
	return v + pre
}
