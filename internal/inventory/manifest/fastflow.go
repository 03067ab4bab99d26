package manifest

import "strings"

// flowValue reads a scalar or flow collection starting at s[i] on line num and returns the index
// just after it. In flow context (inside [] or {}) plain scalars end at flow indicators.
func (p *fastParser) flowValue(s string, i int, h uint64, depth, num int, flow bool) (int, bool) {
	p.lastScalar = false
	switch c := s[i]; c {
	case '[', '{':
		if depth+1 >= p.maxDepth {
			return 0, false
		}
		var end int
		var ok bool
		if c == '[' {
			end, ok = p.flowSeq(s, i, h, depth+1, num)
		} else {
			end, ok = p.flowMap(s, i, h, depth+1, num)
		}
		p.lastScalar = false // a collection is not a scalar, whatever it ends with
		return end, ok
	case '"', '\'':
		v, end, ok := quoted(s, i)
		if !ok {
			return 0, false
		}
		p.buf = appendString(p.buf, v)
		p.last, p.lastScalar = scalar{kind: kindString, s: v}, true
		return end, true
	}
	if !plainStart(s, i, flow) {
		return 0, false
	}
	var end int
	if flow {
		end = flowPlain(s, i)
		if end < len(s) && !isFlowIndicator(s[end]) {
			return 0, false
		}
	} else {
		var isKey bool
		if end, isKey = blockPlain(s, i); isKey {
			return 0, false
		}
	}
	v := resolvePlain(strings.TrimRight(s[i:end], " "))
	var err error
	if p.buf, err = appendScalar(p.buf, v); err != nil {
		return 0, false
	}
	p.last, p.lastScalar = v, true
	return end, true
}

// flowPlain returns where a plain scalar starting at s[i] inside a flow collection ends: at the
// first character outside letters, digits, spaces and "._/=+-". The callers accept only a flow
// indicator there; anything else (':', '#', '?', ...) YAML reads in ways this parser does not
// follow, so the document goes to the full parser.
func flowPlain(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == ' ', c == '.', c == '_', c == '/', c == '=', c == '+', c == '-':
		default:
			return j
		}
	}
	return len(s)
}

// flowSeq reads a single-line flow sequence starting at s[i] == '['.
func (p *fastParser) flowSeq(s string, i int, h uint64, depth, num int) (int, bool) {
	p.buf = append(p.buf, '[')
	i = skipSp(s, i+1)
	if i < len(s) && s[i] == ']' {
		p.buf = append(p.buf, ']')
		return i + 1, true
	}
	for n := 0; i < len(s); n++ {
		if n > 0 {
			p.buf = append(p.buf, ',')
		}
		ih := childIndex(h, n)
		p.record(ih, num)
		end, ok := p.flowValue(s, i, ih, depth, num, true)
		if !ok {
			return 0, false
		}
		var closed bool
		if i, closed, ok = flowNext(s, end, ']'); !ok {
			return 0, false
		}
		if closed {
			p.buf = append(p.buf, ']')
			return i, true
		}
	}
	return 0, false
}

// flowMap reads a single-line flow mapping starting at s[i] == '{'.
func (p *fastParser) flowMap(s string, i int, h uint64, depth, num int) (int, bool) {
	p.buf = append(p.buf, '{')
	i = skipSp(s, i+1)
	if i < len(s) && s[i] == '}' {
		p.buf = append(p.buf, '}')
		return i + 1, true
	}
	for n := 0; i < len(s); n++ {
		if n > 0 {
			p.buf = append(p.buf, ',')
		}
		key, vi, ok := flowKey(s, i)
		if !ok {
			return 0, false
		}
		p.buf = append(appendString(p.buf, key), ':')
		kh := childKey(h, key)
		p.record(kh, num)
		if vi >= len(s) || s[vi] == ',' || s[vi] == '}' {
			return 0, false // a key without a value
		}
		end, ok := p.flowValue(s, vi, kh, depth, num, true)
		if !ok {
			return 0, false
		}
		var closed bool
		if i, closed, ok = flowNext(s, end, '}'); !ok {
			return 0, false
		}
		if closed {
			p.buf = append(p.buf, '}')
			return i, true
		}
	}
	return 0, false
}

// flowNext moves past the entry of a flow collection that ends at s[i]: to the start of the next
// entry, or past the closing bracket (closed is then true).
func flowNext(s string, i int, closing byte) (next int, closed, ok bool) {
	i = skipSp(s, i)
	switch {
	case i >= len(s):
		return 0, false, false // the collection goes on past the line
	case s[i] == closing:
		return i + 1, true, true
	case s[i] == ',':
		i = skipSp(s, i+1)
		// A trailing comma, or a line ending after one, is left to the full parser.
		return i, false, i < len(s) && s[i] != closing && s[i] != ','
	}
	return 0, false, false
}

// flowKey reads a key inside a flow mapping and returns it with the start of its value.
func flowKey(s string, i int) (string, int, bool) {
	var key string
	var end int
	if s[i] == '"' || s[i] == '\'' {
		var ok bool
		if key, end, ok = quoted(s, i); !ok {
			return "", 0, false
		}
	} else {
		if !plainStart(s, i, true) {
			return "", 0, false
		}
		end = flowPlain(s, i)
		text := strings.TrimRight(s[i:end], " ")
		k, ok := keyString(resolvePlain(text))
		if !ok || end >= len(s) || s[end] != ':' {
			return "", 0, false
		}
		key = k
	}
	end = skipSp(s, end)
	if end+1 >= len(s) || s[end] != ':' || s[end+1] != ' ' {
		return "", 0, false
	}
	return key, skipSp(s, end+1), true
}

// quoted reads a single-line quoted scalar starting at s[i] and returns its value and the index
// after the closing quote. Double-quoted escapes other than \" \\ \n \t and \r are left to the
// full parser (which, like kubectl's, has no \/).
func quoted(s string, i int) (string, int, bool) {
	q := s[i]
	var b []byte // only for values with escapes
	start := i + 1
	for j := start; j < len(s); j++ {
		c := s[j]
		switch {
		case c == q && q == '\'' && j+1 < len(s) && s[j+1] == '\'':
			b = append(append(b, s[start:j]...), '\'')
			j++
			start = j + 1
		case c == q:
			if b == nil {
				return s[start:j], j + 1, true
			}
			return string(append(b, s[start:j]...)), j + 1, true
		case c == '\\' && q == '"':
			r, ok := simpleEscape(s, j)
			if !ok {
				return "", 0, false
			}
			b = append(append(b, s[start:j]...), r)
			j++
			start = j + 1
		}
	}
	return "", 0, false
}

func simpleEscape(s string, j int) (byte, bool) {
	if j+1 >= len(s) {
		return 0, false
	}
	switch s[j+1] {
	case '"', '\\':
		return s[j+1], true
	case 'n':
		return '\n', true
	case 't':
		return '\t', true
	case 'r':
		return '\r', true
	}
	return 0, false
}
