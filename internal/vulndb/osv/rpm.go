package osv

import "strings"

// rpmOrder orders RPM versions as rpm does: [epoch:]version[-release], the epoch compared as
// a number (absent is 0), version and release with rpmvercmp. rpmvercmp splits a string into
// runs of digits and runs of letters, ignoring other characters as separators; a digit run is
// newer than a letter run, digit runs compare as numbers and letter runs as bytes. '~' sorts
// before everything, even the end ("1.0~rc1" < "1.0"), and '^' after the end but before any
// further run ("1.0" < "1.0^git1" < "1.0.1").
type rpmOrder struct{}

func (rpmOrder) name() string              { return "rpm" }
func (rpmOrder) normalize(v string) string { return v }

func (rpmOrder) valid(v string) bool {
	e, ver, _ := splitRPM(v)
	if ver == "" || e != "" && !allDigits(e) {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] >= 0x7f {
			return false
		}
	}
	return true
}

// splitRPM splits at the first colon (epoch) and the last hyphen (release).
func splitRPM(v string) (epoch, version, release string) {
	version = v
	if i := strings.IndexByte(v, ':'); i >= 0 {
		epoch, version = v[:i], v[i+1:]
	}
	if i := strings.LastIndexByte(version, '-'); i >= 0 {
		version, release = version[:i], version[i+1:]
	}
	return epoch, version, release
}

func (rpmOrder) compare(a, b string) int {
	ea, va, ra := splitRPM(a)
	eb, vb, rb := splitRPM(b)
	if c := cmpDigits(ea, eb); c != 0 {
		return c
	}
	if c := rpmVerCmp(va, vb); c != 0 {
		return c
	}
	return rpmVerCmp(ra, rb)
}

func isAlnum(c byte) bool { return isDigit(c) || isLetter(c) }

// rpmVerCmp compares two version or release strings.
func rpmVerCmp(a, b string) int {
	if a == b {
		return 0
	}
	for {
		a = strings.TrimLeftFunc(a, rpmSeparator)
		b = strings.TrimLeftFunc(b, rpmSeparator)
		ta, tb := strings.HasPrefix(a, "~"), strings.HasPrefix(b, "~")
		if ta || tb {
			if !ta {
				return 1
			}
			if !tb {
				return -1
			}
			a, b = a[1:], b[1:]
			continue
		}
		ca, cb := strings.HasPrefix(a, "^"), strings.HasPrefix(b, "^")
		if ca || cb {
			switch {
			case a == "":
				return -1
			case b == "":
				return 1
			case !ca:
				return 1
			case !cb:
				return -1
			}
			a, b = a[1:], b[1:]
			continue
		}
		if a == "" || b == "" {
			break
		}
		var sa, sb string
		numeric := isDigit(a[0])
		if numeric {
			sa, sb = leadingDigits(a), leadingDigits(b)
		} else {
			sa, sb = leadingLetters(a), leadingLetters(b)
		}
		if sb == "" {
			// b holds the other kind of run here: a digit run is newer than a letter run.
			if numeric {
				return 1
			}
			return -1
		}
		var c int
		if numeric {
			c = cmpDigits(sa, sb)
		} else {
			c = strings.Compare(sa, sb)
		}
		if c != 0 {
			return c
		}
		a, b = a[len(sa):], b[len(sb):]
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	default:
		return 1
	}
}

func rpmSeparator(r rune) bool {
	return !(r < 0x80 && isAlnum(byte(r))) && r != '~' && r != '^'
}

func leadingLetters(s string) string {
	i := 0
	for i < len(s) && isLetter(s[i]) {
		i++
	}
	return s[:i]
}
