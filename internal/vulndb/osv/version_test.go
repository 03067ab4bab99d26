package osv

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// ordered lists versions from oldest to newest; each step must compare as less, and "=" marks
// a pair that must compare equal. Cases come from each format's rules: Debian policy §5.6.12,
// the apk version grammar, rpmvercmp and semantic versioning.
type orderCase struct{ a, op, b string }

func checkCases(t *testing.T, o versionOrder, cases []orderCase) {
	t.Helper()
	for _, c := range cases {
		want := map[string]int{"<": -1, "=": 0, ">": 1}[c.op]
		if got := compareVersions(o, c.a, c.b); got != want {
			t.Errorf("%s: compareVersions(%q, %q) = %d, want %d (%s)", o.name(), c.a, c.b, got, want, c.op)
		}
		if got := compareVersions(o, c.b, c.a); got != -want {
			t.Errorf("%s: compareVersions(%q, %q) = %d, want %d", o.name(), c.b, c.a, got, -want)
		}
	}
}

func checkValid(t *testing.T, o versionOrder, valid, invalid []string) {
	t.Helper()
	for _, v := range valid {
		if !o.valid(o.normalize(v)) {
			t.Errorf("%s: %q should be valid", o.name(), v)
		}
	}
	for _, v := range invalid {
		if o.valid(o.normalize(v)) {
			t.Errorf("%s: %q should be invalid", o.name(), v)
		}
	}
}

func TestDpkgOrder(t *testing.T) {
	checkCases(t, dpkgOrder{}, []orderCase{
		{"1.0", "<", "1.1"},
		{"1.0", "=", "1.0-0"},
		{"1.001", "=", "1.1"},
		{"0:1.0", "=", "1.0"},
		{"1:0.1", ">", "2.0"},
		{"2:1.0", ">", "1:9.9"},
		{"10:1.0", ">", "9:1.0"},
		// Policy's own example: ~~ < ~~a < ~ < (end) < a.
		{"1.0~~", "<", "1.0~~a"},
		{"1.0~~a", "<", "1.0~"},
		{"1.0~", "<", "1.0"},
		{"1.0", "<", "1.0a"},
		{"1.0~rc1", "<", "1.0"},
		{"1.0~rc1", "<", "1.0~rc2"},
		// Letters sort before non-letters.
		{"1.0a", "<", "1.0+"},
		{"1.0z", "<", "1.0."},
		{"1.0+", "<", "1.0."},
		{"1.0A", "<", "1.0a"},
		{"1.0-1", "<", "1.0-2"},
		{"1.0-9", "<", "1.0-10"},
		{"1.0", "<", "1.0-1"},
		{"1.0-1", "<", "1.0-1.1"},
		{"1.2.3-1", "<", "1.2.3+dfsg-1"},
		{"3.0.11-1~deb12u2", "<", "3.0.11-1"},
		{"3.0.11-1~deb12u2", "<", "3.0.13-1~deb12u1"},
		{"2.36-9+deb12u3", "<", "2.36-9+deb12u4"},
		{"7.88.1-10+deb12u9", "<", "7.88.1-10+deb12u12"},
		{"1.2-3-4", ">", "1.2-3-3"},
		{"1.0.99999999999999999999999", "<", "1.0.100000000000000000000000"},
	})
	checkValid(t, dpkgOrder{},
		[]string{"1.0", "1:2.3-4", "2.36-9+deb12u4", "1.0~rc1", "1.2-3-4", "1:2:3-1", "0.9.8zh-1"},
		[]string{"", "a1.0", "1.0-", ":1.0", "x:1.0", "1.0 1", "2:", "1.0-a_b", "1.0_1"})
}

func TestApkOrder(t *testing.T) {
	checkCases(t, apkOrder{}, []orderCase{
		{"1.2.3-r0", "<", "1.2.3-r1"},
		{"1.36.1-r15", "<", "1.36.1-r20"},
		{"1.2.3", "<", "1.2.3-r0"},
		{"1.2.9", "<", "1.2.10"},
		{"1.9", "<", "1.10"},
		{"1.2", "<", "1.2.1"},
		// Suffix order.
		{"1.2_alpha", "<", "1.2_beta"},
		{"1.2_beta", "<", "1.2_pre"},
		{"1.2_pre", "<", "1.2_rc"},
		{"1.2_rc", "<", "1.2"},
		{"1.2", "<", "1.2_cvs"},
		{"1.2_cvs", "<", "1.2_svn"},
		{"1.2_svn", "<", "1.2_git"},
		{"1.2_git", "<", "1.2_hg"},
		{"1.2_hg", "<", "1.2_p"},
		{"1.2_rc", "<", "1.2_rc1"},
		{"1.2_rc1", "<", "1.2_rc2"},
		{"1.2_p9", "<", "1.2_p10"},
		{"1.2_rc1-r3", "<", "1.2-r0"},
		{"3.1.4-r5", "<", "3.1.4_p1-r0"},
		{"1.2_alpha1_p2", ">", "1.2_alpha1"},
		// Letters.
		{"1.2", "<", "1.2a"},
		{"1.2a", "<", "1.2b"},
		{"1.2_p1", "<", "1.2a"},
		{"1.2a", "<", "1.2.1"},
		{"1.2a-r1", "<", "1.2b-r0"},
		// Components after the first that start with zero compare as fractions.
		{"1.05", "<", "1.1"},
		{"1.04", "<", "1.05"},
		{"1.01", "<", "1.1"},
		{"1.0", "=", "1.00"},
		{"1.2~abc-r1", "<", "1.2~abd-r1"},
		{"20230101", "<", "20231231"},
	})
	checkValid(t, apkOrder{},
		[]string{"1.2.3-r0", "1.2a", "1.2_rc1-r3", "1.2_alpha1_p2", "3.1.4_p1-r0", "1.2~abc-r1", "20230101"},
		[]string{"", "a", "1..2", "1.2-r", "1.2_foo", "1.2ab", "1.2-1", "v1.2", "1.2_rc1a", "1.2-r1-r2", "1.2 "})
}

func TestRPMOrder(t *testing.T) {
	checkCases(t, rpmOrder{}, []orderCase{
		{"1.0", "=", "1.0"},
		{"1.0", "<", "2.0"},
		{"2.0", "<", "2.0.1"},
		{"2.0.1", "<", "2.0.1a"},
		{"5.5p1", "<", "5.5p2"},
		{"5.5p2", "<", "5.5p10"},
		{"10xyz", "<", "10.1xyz"},
		{"xyz10", "<", "xyz10.1"},
		{"xyz.4", "<", "8"},
		{"1.01", "=", "1.1"},
		{"2.0", "=", "2_0"},
		{"2a", "=", "2.a"},
		{"1.0aa", ">", "1.0a"},
		// Tilde: before everything, even the end.
		{"1.0~rc1", "<", "1.0"},
		{"1.0~rc1", "<", "1.0~rc2"},
		{"1.0~rc1~git123", "<", "1.0~rc1"},
		// Caret: after the end, before any further run.
		{"1.0", "<", "1.0^"},
		{"1.0", "<", "1.0^git1"},
		{"1.0^git1", "<", "1.0^git2"},
		{"1.0^git1", "<", "1.0.1"},
		{"1.0~rc1", "<", "1.0^git1"},
		{"1.0^git1~pre", "<", "1.0^git1"},
		// Epoch and release.
		{"0:1.0-1", "=", "1.0-1"},
		{"1:1.0-1", ">", "2.0-1"},
		{"1.0-1.el9", "<", "1.0-2.el9"},
		{"1.0-1.el9", "<", "1.0-1.el9_1"},
		{"1.0", "<", "1.0-1"},
		{"3.0.7-27.el9", "<", "3.0.7-28.el9_4"},
	})
	checkValid(t, rpmOrder{},
		[]string{"1.0", "1:1.0-1.el9", "1.0~rc1", "1.0^git1", "5.5p1"},
		[]string{"", "x:1.0", "1.0 1", "-1", "1:", "1.0\x00"})
}

func TestGoOrder(t *testing.T) {
	checkCases(t, goOrder{}, []orderCase{
		{"1.2.3", "=", "v1.2.3"},
		{"v1.2.3", "<", "1.2.4"},
		{"1.2.3-rc.1", "<", "1.2.3"},
		{"1.9.0", "<", "1.10.0"},
		{"v0.0.0-20230101000000-abcdef123456", "<", "v0.1.0"},
		{"v0.0.0-20230101000000-abcdef123456", "<", "v0.0.0-20240101000000-abcdef123456"},
		{"go1.21.3", "<", "1.21.4"},
		{"go1.21", "=", "1.21.0"},
		{"go1.22rc1", "=", "1.22.0-rc.1"},
		{"go1.21beta2", "<", "go1.21rc1"},
		{"v2.0.0+incompatible", "=", "2.0.0"},
		{"(devel)", "<", "v0.0.1"},
	})
	checkValid(t, goOrder{},
		[]string{"1.2.3", "v1.2.3", "go1.21.3", "v0.0.0-20230101000000-abcdef123456", "v2.0.0+incompatible"},
		[]string{"", "(devel)", "1.2.3.4", "v1.2.3-", "latest"})
}

// fragments per order: random versions built from these are mostly valid, often close to each
// other, and sometimes garbage.
var fragments = map[string][]string{
	"dpkg":   {"0", "1", "2", "9", "10", "01", ".", "~", "+", "-", "a", "b", "Z", ":", "1:", "deb12u", "dfsg", "~rc", "", "_"},
	"apk":    {"0", "1", "2", "9", "10", "01", "00", ".", "a", "b", "_alpha", "_rc", "_p", "_git", "-r", "-r1", "~ab", "", "x"},
	"rpm":    {"0", "1", "2", "9", "10", "01", ".", "~", "^", "-", "a", "b", "el9", "_", ":", "1:", "git", "", " "},
	"semver": {"v1.", "1.", "0.", "2.", "0", "1", "10", ".0", "-rc.1", "-beta", "+incompatible", "go1.2", "", "v"},
}

var allOrders = []versionOrder{dpkgOrder{}, apkOrder{}, rpmOrder{}, goOrder{}}

func randomVersion(r *rand.Rand, frags []string) string {
	var b strings.Builder
	if r.IntN(2) == 0 {
		// Half start like a real release, so the comparison proper is exercised.
		fmt.Fprintf(&b, "%d.%d.%d", r.IntN(3), r.IntN(12), r.IntN(3))
	}
	n := r.IntN(4)
	for range n {
		b.WriteString(frags[r.IntN(len(frags))])
	}
	return b.String()
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

// checkOrderAxioms fails when Compare is not a total preorder on a, b, c.
func checkOrderAxioms(t *testing.T, o versionOrder, a, b, c string) {
	t.Helper()
	if got := compareVersions(o, a, a); got != 0 {
		t.Fatalf("%s: not reflexive: compareVersions(%q, %q) = %d", o.name(), a, a, got)
	}
	ab, ba := sign(compareVersions(o, a, b)), sign(compareVersions(o, b, a))
	if ab != -ba {
		t.Fatalf("%s: not antisymmetric: compareVersions(%q, %q) = %d, reverse %d", o.name(), a, b, ab, ba)
	}
	bc, ac := sign(compareVersions(o, b, c)), sign(compareVersions(o, a, c))
	if ab <= 0 && bc <= 0 && ac > 0 {
		t.Fatalf("%s: not transitive: %q <= %q <= %q but %q > %q", o.name(), a, b, c, a, c)
	}
	if ab >= 0 && bc >= 0 && ac < 0 {
		t.Fatalf("%s: not transitive: %q >= %q >= %q but %q < %q", o.name(), a, b, c, a, c)
	}
}

func TestOrderProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for _, o := range allOrders {
		frags := fragments[o.name()]
		valid := 0
		for range 20000 {
			a, b, c := randomVersion(r, frags), randomVersion(r, frags), randomVersion(r, frags)
			checkOrderAxioms(t, o, a, b, c)
			if o.valid(o.normalize(a)) {
				valid++
			}
		}
		// The generator must exercise the real comparison, not only the invalid fallback.
		if valid < 2000 {
			t.Errorf("%s: only %d of 20000 random versions valid; the property test is too weak", o.name(), valid)
		}
	}
}

func FuzzCompare(f *testing.F) {
	f.Add("1:2.3-4~deb12u1", "2.3-4", "1.2_rc1-r3")
	f.Add("1.0^git1", "1.0~rc1", "v1.2.3-rc.1")
	f.Add("go1.21rc1", "1.2a", "1.05")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		for _, o := range allOrders {
			checkOrderAxioms(t, o, a, b, c)
		}
	})
}
