package manifest

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonParser reads a document that starts with "{" as JSON, which is how kubectl reads it:
// JSON escapes YAML lacks (\/, surrogate pairs for characters beyond the Basic Multilingual
// Plane, as Python writes them) decode correctly, and large JSON files load at the speed of the
// fast YAML parser. It writes the same normalised JSON and positions as the YAML parsers. On
// anything that is not plain JSON it reports false and the document goes to the full YAML
// parser, as kubectl falls back to YAML for input that is not JSON.
type jsonParser struct {
	fastOut
	maxDepth int
	s        string
	i        int
	line     int
}

func (p *jsonParser) parse(c chunk) bool {
	p.s, p.i, p.line = c.text, 0, c.line
	p.skipSpace()
	if p.peek() != '{' {
		return false
	}
	p.reset(p.line)
	if !p.object(fnvOffset, 1) {
		return false
	}
	p.skipSpace()
	return p.i == len(p.s) && p.finish()
}

func (p *jsonParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

// skipSpace skips JSON whitespace, counting line breaks as the YAML parser does (a lone CR is
// one too), so lines agree whichever parser reads a document.
func (p *jsonParser) skipSpace() {
	for ; p.i < len(p.s); p.i++ {
		switch p.s[p.i] {
		case ' ', '\t':
		case '\n':
			p.line++
		case '\r':
			if p.i+1 >= len(p.s) || p.s[p.i+1] != '\n' {
				p.line++
			}
		default:
			return
		}
	}
}

// next skips space and reads the separator after an entry: ',' (true) or the closing bracket
// (false); ok is false for anything else.
func (p *jsonParser) next(closing byte) (more, ok bool) {
	p.skipSpace()
	switch p.peek() {
	case ',':
		p.i++
		p.skipSpace()
		return true, true
	case closing:
		p.i++
		return false, true
	}
	return false, false
}

func (p *jsonParser) object(h uint64, depth int) bool {
	p.buf = append(p.buf, '{')
	p.i++
	p.skipSpace()
	if p.peek() == '}' {
		p.i++
		p.buf = append(p.buf, '}')
		return true
	}
	for n := 0; ; n++ {
		if n > 0 {
			p.buf = append(p.buf, ',')
		}
		keyLine := p.line
		key, ok := p.str()
		if !ok {
			return false
		}
		p.skipSpace()
		if p.peek() != ':' {
			return false
		}
		p.i++
		p.skipSpace()
		p.buf = append(appendString(p.buf, key), ':')
		kh := childKey(h, key)
		p.record(kh, keyLine)
		if depth == 1 && key == "items" {
			ok = p.items()
		} else {
			ok = p.value(kh, depth)
		}
		if !ok || depth == p.objDepth && !p.objKey(key) {
			return false
		}
		more, ok := p.next('}')
		if !ok {
			return false
		}
		if !more {
			p.buf = append(p.buf, '}')
			return true
		}
	}
}

// items reads the value of a top-level "items" key as the objects of a List; finish decides
// whether the document is one.
func (p *jsonParser) items() bool {
	if p.cur.hasItems {
		return false // a second "items" key
	}
	if strings.HasPrefix(p.s[p.i:], "null") {
		p.i += 4
		return true
	}
	if p.peek() != '[' {
		return false
	}
	p.i++
	p.skipSpace()
	if p.peek() == ']' {
		p.i++
		return true
	}
	for {
		if p.peek() != '{' {
			return false
		}
		saved, depth := p.beginItem(p.line, 3)
		ok := p.object(fnvOffset, 3)
		p.endItem(saved, depth)
		if !ok {
			return false
		}
		more, ok := p.next(']')
		if !ok || !more {
			return ok
		}
	}
}

func (p *jsonParser) array(h uint64, depth int) bool {
	p.buf = append(p.buf, '[')
	p.i++
	p.skipSpace()
	if p.peek() == ']' {
		p.i++
		p.buf = append(p.buf, ']')
		return true
	}
	for n := 0; ; n++ {
		if n > 0 {
			p.buf = append(p.buf, ',')
		}
		ih := childIndex(h, n)
		p.record(ih, p.line)
		if !p.value(ih, depth) {
			return false
		}
		more, ok := p.next(']')
		if !ok {
			return false
		}
		if !more {
			p.buf = append(p.buf, ']')
			return true
		}
	}
}

func (p *jsonParser) value(h uint64, depth int) bool {
	p.lastScalar = false
	switch c := p.peek(); {
	case c == '{' || c == '[':
		if depth+1 >= p.maxDepth {
			return false
		}
		if c == '{' {
			return p.object(h, depth+1)
		}
		return p.array(h, depth+1)
	case c == '"':
		s, ok := p.str()
		if ok {
			p.buf = appendString(p.buf, s)
			p.last, p.lastScalar = scalar{kind: kindString, s: s}, true
		}
		return ok
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if strings.HasPrefix(p.s[p.i:], lit) {
			p.i += len(lit)
			p.last, p.lastScalar = resolvePlain(lit), true
			p.buf = append(p.buf, lit...)
			return true
		}
	}
	return false
}

// number reads a JSON number and writes it as the YAML parsers do; a number beyond float64 is
// left to them.
func (p *jsonParser) number() bool {
	start := p.i
	if p.peek() == '-' {
		p.i++
	}
	switch n := p.digits(); {
	case n == 0, n > 1 && p.s[p.i-n] == '0':
		return false
	}
	if p.peek() == '.' {
		p.i++
		if p.digits() == 0 {
			return false
		}
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.i++
		if c := p.peek(); c == '+' || c == '-' {
			p.i++
		}
		if p.digits() == 0 {
			return false
		}
	}
	v := resolvePlain(p.s[start:p.i])
	if v.kind != kindInt && v.kind != kindUint && v.kind != kindFloat {
		return false
	}
	var err error
	p.buf, err = appendScalar(p.buf, v)
	p.last, p.lastScalar = v, true
	return err == nil
}

func (p *jsonParser) digits() int {
	n := digitsAt(p.s, p.i)
	p.i += n
	return n
}

// str reads a JSON string with encoding/json's rules: invalid UTF-8 and lone surrogates become
// U+FFFD. The YAML line breaks NEL, LS and PS count as lines inside it, as the YAML parser
// counts them.
func (p *jsonParser) str() (string, bool) {
	if p.peek() != '"' {
		return "", false
	}
	p.i++
	start := p.i
	var b []byte // only for strings with escapes
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == '"':
			s := p.s[start:p.i]
			p.i++
			if b != nil {
				s = string(append(b, s...))
			}
			return s, true
		case c < 0x20:
			return "", false
		case c == '\\':
			b = append(b, p.s[start:p.i]...)
			var ok bool
			if b, ok = p.escape(b); !ok {
				return "", false
			}
			start = p.i
		case c == 0xC2 && strings.HasPrefix(p.s[p.i:], "\u0085"),
			c == 0xE2 && (strings.HasPrefix(p.s[p.i:], "\u2028") || strings.HasPrefix(p.s[p.i:], "\u2029")):
			p.line++
			p.i++
		default:
			p.i++
		}
	}
	return "", false
}

// escape decodes the escape at p.s[p.i] onto b.
func (p *jsonParser) escape(b []byte) ([]byte, bool) {
	if p.i+1 >= len(p.s) {
		return b, false
	}
	c := p.s[p.i+1]
	p.i += 2
	switch c {
	case '"', '\\', '/':
		return append(b, c), true
	case 'b':
		return append(b, '\b'), true
	case 'f':
		return append(b, '\f'), true
	case 'n':
		return append(b, '\n'), true
	case 'r':
		return append(b, '\r'), true
	case 't':
		return append(b, '\t'), true
	case 'u':
		r, ok := p.hex4()
		if !ok {
			return b, false
		}
		if utf16.IsSurrogate(r) && strings.HasPrefix(p.s[p.i:], `\u`) {
			save := p.i
			p.i += 2
			if r2, ok := p.hex4(); ok {
				if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
					return utf8.AppendRune(b, pair), true
				}
			}
			p.i = save
		}
		if utf16.IsSurrogate(r) {
			r = utf8.RuneError
		}
		return utf8.AppendRune(b, r), true
	}
	return b, false
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.i+4 > len(p.s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(p.s[p.i : p.i+4]) {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}
