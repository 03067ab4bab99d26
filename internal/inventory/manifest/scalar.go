package manifest

import (
	"encoding/base64"
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// Scalars are resolved the way kubectl resolves them, not the way YAML 1.2 does: kubectl turns
// YAML into JSON through sigs.k8s.io/yaml, which uses the YAML 1.1 rules of go.yaml.in/yaml/v2,
// so "privileged: yes" reaches the API server as true. A scanner that read it as the string
// "yes" would miss a privileged container.

type scalarKind uint8

const (
	kindNull scalarKind = iota
	kindBool
	kindInt
	kindUint
	kindFloat
	kindString
)

type scalar struct {
	kind scalarKind
	b    bool
	i    int64
	u    uint64
	f    float64
	s    string
}

var errNonFinite = errors.New("infinity and NaN cannot be represented in JSON")

// resolveNode resolves a scalar node: quoted and block scalars are strings, plain scalars follow
// the YAML 1.1 rules, and an explicit standard tag must match what the text resolves to.
func resolveNode(n *yaml.Node) (scalar, error) {
	if n.Style&yaml.TaggedStyle == 0 {
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			return scalar{kind: kindString, s: n.Value}, nil
		}
		return resolvePlain(n.Value), nil
	}
	switch n.Tag {
	case "!!str", "!!timestamp":
		return scalar{kind: kindString, s: n.Value}, nil
	case "!!binary":
		data, err := base64.StdEncoding.DecodeString(n.Value)
		if err != nil {
			return scalar{}, errors.New("!!binary value contains invalid base64 data")
		}
		return scalar{kind: kindString, s: string(data)}, nil
	case "!!null", "!!bool", "!!int", "!!float":
		return resolveTagged(n.Tag, n.Value)
	}
	// Local tags (!foo) carry no meaning for Kubernetes; kubectl keeps the text as a string.
	return scalar{kind: kindString, s: n.Value}, nil
}

func resolveTagged(tag, text string) (scalar, error) {
	v := resolvePlain(text)
	ok := false
	switch tag {
	case "!!null":
		ok = v.kind == kindNull
	case "!!bool":
		ok = v.kind == kindBool
	case "!!int":
		ok = v.kind == kindInt || v.kind == kindUint
	case "!!float":
		if v.kind == kindInt {
			v = scalar{kind: kindFloat, f: float64(v.i)}
		}
		ok = v.kind == kindFloat
	}
	if !ok {
		return scalar{}, errors.New("cannot decode value as " + tag)
	}
	return v, nil
}

// resolvePlain resolves an untagged plain scalar with the YAML 1.1 rules kubectl applies.
func resolvePlain(s string) scalar {
	if s == "" {
		return scalar{kind: kindNull}
	}
	switch c := s[0]; {
	case c == '+' || c == '-' || (c >= '0' && c <= '9'):
		return resolveNumeric(s)
	case c == '.':
		if v, ok := resolveWord(s); ok {
			return v
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return scalar{kind: kindFloat, f: f}
		}
	case strings.IndexByte("yYnNtTfFoO~", c) >= 0:
		if v, ok := resolveWord(s); ok {
			return v
		}
	}
	return scalar{kind: kindString, s: s}
}

func resolveWord(s string) (scalar, bool) {
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
		return scalar{kind: kindBool, b: true}, true
	case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
		return scalar{kind: kindBool}, true
	case "~", "null", "Null", "NULL":
		return scalar{kind: kindNull}, true
	case ".nan", ".NaN", ".NAN":
		return scalar{kind: kindFloat, f: math.NaN()}, true
	case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
		return scalar{kind: kindFloat, f: math.Inf(1)}, true
	case "-.inf", "-.Inf", "-.INF":
		return scalar{kind: kindFloat, f: math.Inf(-1)}, true
	}
	return scalar{}, false
}

// resolveNumeric handles scalars starting with a sign or digit: special words, integers in any Go
// base prefix with "_" separators, and floats. Timestamps need no rule: kubectl keeps them as
// strings, and nothing of the form 2006-01-02 parses as a number.
func resolveNumeric(s string) scalar {
	if v, ok := resolveWord(s); ok {
		return v
	}
	plain := strings.ReplaceAll(s, "_", "")
	if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return scalar{kind: kindInt, i: i}
	}
	if u, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return scalar{kind: kindUint, u: u}
	}
	if isYAMLFloat(plain) {
		if f, err := strconv.ParseFloat(plain, 64); err == nil {
			return scalar{kind: kindFloat, f: f}
		}
	}
	if v, ok := resolveBinary(plain); ok {
		return v
	}
	return scalar{kind: kindString, s: s}
}

func resolveBinary(plain string) (scalar, bool) {
	switch {
	case strings.HasPrefix(plain, "0b"):
		if i, err := strconv.ParseInt(plain[2:], 2, 64); err == nil {
			return scalar{kind: kindInt, i: i}, true
		}
		if u, err := strconv.ParseUint(plain[2:], 2, 64); err == nil {
			return scalar{kind: kindUint, u: u}, true
		}
	case strings.HasPrefix(plain, "-0b"):
		if i, err := strconv.ParseInt("-"+plain[3:], 2, 64); err == nil {
			return scalar{kind: kindInt, i: i}, true
		}
	}
	return scalar{}, false
}

// isYAMLFloat matches [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?.
func isYAMLFloat(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	intDigits := digitsAt(s, i)
	i += intDigits
	if i < len(s) && s[i] == '.' {
		i++
		frac := digitsAt(s, i)
		if intDigits == 0 && frac == 0 {
			return false
		}
		i += frac
	} else if intDigits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := digitsAt(s, i)
		if exp == 0 {
			return false
		}
		i += exp
	}
	return i == len(s)
}

func digitsAt(s string, i int) int {
	n := 0
	for i+n < len(s) && s[i+n] >= '0' && s[i+n] <= '9' {
		n++
	}
	return n
}

// appendScalar writes v as JSON the way encoding/json would, so typed decoding sees exactly what
// the API server would receive from kubectl.
func appendScalar(b []byte, v scalar) ([]byte, error) {
	switch v.kind {
	case kindNull:
		return append(b, "null"...), nil
	case kindBool:
		return strconv.AppendBool(b, v.b), nil
	case kindInt:
		return strconv.AppendInt(b, v.i, 10), nil
	case kindUint:
		return strconv.AppendUint(b, v.u, 10), nil
	case kindFloat:
		return appendFloat(b, v.f)
	}
	return appendString(b, v.s), nil
}

func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, errNonFinite
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// Shorten e-09 to e-9, as encoding/json does.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string; invalid UTF-8 becomes U+FFFD, as in encoding/json.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// keyString turns a resolved mapping key into the JSON object key kubectl would produce.
func keyString(v scalar) (string, bool) {
	switch v.kind {
	case kindString:
		return v.s, true
	case kindInt:
		return strconv.FormatInt(v.i, 10), true
	case kindBool:
		return strconv.FormatBool(v.b), true
	case kindFloat:
		switch s := strconv.FormatFloat(v.f, 'g', -1, 32); s {
		case "+Inf":
			return ".inf", true
		case "-Inf":
			return "-.inf", true
		case "NaN":
			return ".nan", true
		default:
			return s, true
		}
	}
	return "", false
}
