package osv

import "strings"

// apkOrder orders Alpine package versions as apk does. A version is
//
//	digits{.digits}[letter]{_suffix[digits]}[~hash][-rN]
//
// with the suffixes _alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p.
// Versions are compared token by token. When one version runs out of a kind of token before
// the other, the one with the more significant token next is newer ("1.2.1" > "1.2a" >
// "1.2_p1" > "1.2-r1" > "1.2"), except that a pre-release suffix is older than anything
// ("1.2_rc1" < "1.2" < "1.2-r1"). Numeric components after the first that start with a zero
// compare as decimal fractions ("1.05" < "1.1"), as the Gentoo version rules apk follows say.
type apkOrder struct{}

func (apkOrder) name() string              { return "apk" }
func (apkOrder) normalize(v string) string { return v }

func (apkOrder) valid(v string) bool {
	_, ok := apkTokens(v)
	return ok
}

func (apkOrder) compare(a, b string) int {
	ta, _ := apkTokens(a)
	tb, _ := apkTokens(b)
	for i := 0; ; i++ {
		if c := ta[i].compare(tb[i]); c != 0 {
			return c
		}
		if ta[i].class == apkEnd {
			return 0
		}
	}
}

// Token classes, from least to most significant when two versions differ in what comes next.
const (
	apkPreSuffix = iota // _alpha, _beta, _pre, _rc: older than the bare version
	apkEnd
	apkRevision
	apkHash
	apkSuffixNo
	apkPostSuffix // _cvs, _svn, _git, _hg, _p
	apkLetter
	apkDigit
)

var apkSuffixRank = map[string]int{
	"alpha": -4, "beta": -3, "pre": -2, "rc": -1,
	"cvs": 1, "svn": 2, "git": 3, "hg": 4, "p": 5,
}

type apkToken struct {
	class int
	// rank is the suffix rank; text the digits, letter or hash; frac marks a component after
	// the first that starts with zero.
	rank int
	text string
	frac bool
}

func (t apkToken) compare(u apkToken) int {
	if t.class != u.class {
		if t.class < u.class {
			return -1
		}
		return 1
	}
	switch t.class {
	case apkPreSuffix, apkPostSuffix:
		return cmpInt(t.rank, u.rank)
	case apkDigit:
		if t.frac || u.frac {
			return strings.Compare(strings.TrimRight(t.text, "0"), strings.TrimRight(u.text, "0"))
		}
		return cmpDigits(t.text, u.text)
	case apkSuffixNo, apkRevision:
		return cmpDigits(t.text, u.text)
	default:
		return strings.Compare(t.text, u.text)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// apkTokens splits v into tokens ending with an apkEnd token; ok is false when v does not
// follow the grammar.
func apkTokens(v string) (toks []apkToken, ok bool) {
	s := v
	d := leadingDigits(s)
	if d == "" {
		return nil, false
	}
	toks = append(toks, apkToken{class: apkDigit, text: d})
	s = s[len(d):]
	for strings.HasPrefix(s, ".") {
		d = leadingDigits(s[1:])
		if d == "" {
			return nil, false
		}
		toks = append(toks, apkToken{class: apkDigit, text: d, frac: d[0] == '0'})
		s = s[1+len(d):]
	}
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		toks = append(toks, apkToken{class: apkLetter, text: s[:1]})
		s = s[1:]
	}
	for strings.HasPrefix(s, "_") {
		i := 1
		for i < len(s) && s[i] >= 'a' && s[i] <= 'z' {
			i++
		}
		rank, known := apkSuffixRank[s[1:i]]
		if !known {
			return nil, false
		}
		class := apkPostSuffix
		if rank < 0 {
			class = apkPreSuffix
		}
		toks = append(toks, apkToken{class: class, rank: rank})
		s = s[i:]
		if d = leadingDigits(s); d != "" {
			toks = append(toks, apkToken{class: apkSuffixNo, text: d})
			s = s[len(d):]
		}
	}
	if strings.HasPrefix(s, "~") {
		i := 1
		for i < len(s) && (isDigit(s[i]) || s[i] >= 'a' && s[i] <= 'f') {
			i++
		}
		if i == 1 {
			return nil, false
		}
		toks = append(toks, apkToken{class: apkHash, text: s[1:i]})
		s = s[i:]
	}
	if strings.HasPrefix(s, "-r") {
		d = leadingDigits(s[2:])
		if d == "" {
			return nil, false
		}
		toks = append(toks, apkToken{class: apkRevision, text: d})
		s = s[2+len(d):]
	}
	if s != "" {
		return nil, false
	}
	return append(toks, apkToken{class: apkEnd}), true
}
