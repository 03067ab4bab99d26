package manifest

import "strings"

// fastParser reads the YAML manifests are nearly always written in — block mappings and
// sequences, single-line plain and quoted scalars, single-line flow collections, comments —
// straight into JSON and positions. Building a yaml.Node tree costs ten times as much, and a
// scan of 10,000 workloads has a two-second budget.
//
// Anything else (anchors, aliases, tags, block and multi-line scalars, tabs, non-ASCII text,
// duplicate and merge keys, malformed input) makes it give up, and the document goes through
// the full parser. Whatever it accepts, it must read exactly as the full parser does;
// TestFastMatchesFull and FuzzDecode hold the two to that.
type fastParser struct {
	fastOut
	maxDepth int
	lines    []fastLine
	li       int // current line
	col      int // where the unread content of the current line starts
}

// fastLine is a line with content: neither blank nor only a comment.
type fastLine struct {
	text   string // without the line break
	indent int
	num    int // 1-based line in the file
}

// parse reads a chunk holding one document. It reports false when the document is outside the
// subset the fast parser reads.
func (p *fastParser) parse(c chunk) bool {
	if !p.splitLines(c) || len(p.lines) == 0 {
		return false
	}
	p.reset(p.lines[0].num)
	p.li, p.col = 0, p.lines[0].indent
	s := p.lines[0].text
	if isSeqStart(s, p.col) || !isKeyAt(s, p.col) || !p.mapping(p.col, fnvOffset, 1) {
		return false
	}
	return p.li == len(p.lines) && p.finish()
}

// splitLines records the content lines of a chunk, refusing any byte outside printable ASCII
// (line breaks aside) and document markers other than a leading "---".
func (p *fastParser) splitLines(c chunk) bool {
	p.lines = p.lines[:0]
	text, num := c.text, c.line
	for first := true; text != ""; first = false {
		l := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			l, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		l = strings.TrimSuffix(l, "\r")
		for i := 0; i < len(l); i++ {
			if l[i] < 0x20 || l[i] > 0x7e {
				return false
			}
		}
		switch {
		case first && isDocStart(l):
			if lineHasContent(l[3:]) {
				return false
			}
		case strings.HasPrefix(l, "---") || strings.HasPrefix(l, "...") || strings.HasPrefix(l, "%"):
			return false
		case lineHasContent(l):
			indent := skipSp(l, 0)
			p.lines = append(p.lines, fastLine{text: l, indent: indent, num: num})
		}
		num++
	}
	return true
}

func skipSp(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// isSeqStart reports whether a block sequence entry ("- " or a lone "-") starts at s[i].
func isSeqStart(s string, i int) bool {
	return i < len(s) && s[i] == '-' && (i+1 == len(s) || s[i+1] == ' ')
}

// mapping reads a block mapping whose keys are at column ind; the first key is at p.col of the
// current line.
func (p *fastParser) mapping(ind int, h uint64, depth int) bool {
	if depth+1 >= p.maxDepth {
		return false
	}
	p.buf = append(p.buf, '{')
	for n := 0; p.li < len(p.lines); n++ {
		l := p.lines[p.li]
		if n > 0 {
			if l.indent < ind {
				break
			}
			if l.indent > ind || isSeqStart(l.text, ind) {
				return false
			}
			p.col = ind
			p.buf = append(p.buf, ',')
		}
		key, i, ok := keyAt(l.text, p.col)
		if !ok {
			return false
		}
		p.buf = append(appendString(p.buf, key), ':')
		kh := childKey(h, key)
		p.record(kh, l.num)
		i = skipSp(l.text, i)
		inlineValue := i < len(l.text) && l.text[i] != '#'
		switch {
		case depth == 1 && key == "items":
			ok = p.listItems(l.text, i, inlineValue, ind)
		case inlineValue:
			ok = p.inline(l.text, i, kh, depth, ind)
		default:
			ok = p.nested(kh, depth, ind, true)
			p.lastScalar = false // a nested block is not a scalar, whatever it ends with
		}
		if !ok || depth == p.objDepth && !p.objKey(key) {
			return false
		}
	}
	p.buf = append(p.buf, '}')
	return true
}

// listItems reads the value of a top-level "items" key as the objects of a List: a block
// sequence of mappings, an empty flow sequence, or nothing. Each item is an object of its own,
// positioned relative to itself. Whether the document is a List is only known once its kind is
// read, possibly after the items; finish decides.
func (p *fastParser) listItems(s string, i int, inlineValue bool, ind int) bool {
	if p.cur.hasItems {
		return false // a second "items" key
	}
	p.li++
	if inlineValue {
		return strings.HasPrefix(s[i:], "[]") && restIsBlank(s, i+2) &&
			(p.li >= len(p.lines) || p.lines[p.li].indent <= ind)
	}
	if p.li >= len(p.lines) {
		return true
	}
	seq := p.lines[p.li]
	if seq.indent < ind || seq.indent == ind && !isSeqStart(seq.text, ind) {
		return true // items: null
	}
	if !isSeqStart(seq.text, seq.indent) {
		return false
	}
	for n := 0; p.li < len(p.lines); n++ {
		l := p.lines[p.li]
		if n > 0 && (l.indent < seq.indent || l.indent == seq.indent && !isSeqStart(l.text, seq.indent)) {
			break
		}
		col := skipSp(l.text, seq.indent+1)
		if l.indent > seq.indent || col >= len(l.text) || !isKeyAt(l.text, col) {
			return false
		}
		saved, depth := p.beginItem(l.num, 3)
		p.col = col
		ok := p.mapping(col, fnvOffset, 3)
		p.endItem(saved, depth)
		if !ok {
			return false
		}
	}
	return true
}

// nested reads a value that starts on the next line: a block more indented than ind or, for a
// mapping value, a sequence at ind itself. With neither, the value is null.
func (p *fastParser) nested(h uint64, depth, ind int, mappingValue bool) bool {
	p.li++
	if p.li >= len(p.lines) {
		p.buf = append(p.buf, "null"...)
		return true
	}
	l := p.lines[p.li]
	switch {
	case l.indent > ind:
		p.col = l.indent
		if isSeqStart(l.text, p.col) {
			return p.sequence(p.col, h, depth+1)
		}
		return isKeyAt(l.text, p.col) && p.mapping(p.col, h, depth+1)
	case l.indent == ind && mappingValue && isSeqStart(l.text, ind):
		p.col = ind
		return p.sequence(ind, h, depth+1)
	}
	p.buf = append(p.buf, "null"...)
	return true
}

// sequence reads a block sequence whose "-" indicators are at column ind.
func (p *fastParser) sequence(ind int, h uint64, depth int) bool {
	if depth+1 >= p.maxDepth {
		return false
	}
	p.buf = append(p.buf, '[')
	for n := 0; p.li < len(p.lines); n++ {
		l := p.lines[p.li]
		if n > 0 {
			if l.indent < ind || !isSeqStart(l.text, ind) && l.indent == ind {
				break
			}
			if l.indent > ind {
				return false
			}
			p.buf = append(p.buf, ',')
		}
		if !p.item(l, ind, childIndex(h, n), depth) {
			return false
		}
	}
	p.buf = append(p.buf, ']')
	return true
}

// item reads one sequence entry whose "-" is at column ind of line l.
func (p *fastParser) item(l fastLine, ind int, h uint64, depth int) bool {
	s := l.text
	i := skipSp(s, ind+1)
	switch {
	case i >= len(s) || s[i] == '#':
		// The entry's value starts on the next line; an empty entry is left to the full parser,
		// which knows where YAML places a null.
		if p.li+1 >= len(p.lines) || p.lines[p.li+1].indent <= ind {
			return false
		}
		p.record(h, p.lines[p.li+1].num)
		return p.nested(h, depth, ind, false)
	case isSeqStart(s, i):
		return false
	case isKeyAt(s, i):
		p.record(h, l.num)
		p.col = i
		return p.mapping(i, h, depth+1)
	}
	p.record(h, l.num)
	return p.inline(s, i, h, depth, ind)
}

// inline reads a value that starts at s[i] and ends on the same line: a scalar or a flow
// collection. A more-indented line after it would continue a multi-line scalar, which is left
// to the full parser.
func (p *fastParser) inline(s string, i int, h uint64, depth, ref int) bool {
	end, ok := p.flowValue(s, i, h, depth, p.lines[p.li].num, false)
	if !ok || !restIsBlank(s, end) {
		return false
	}
	p.li++
	return p.li >= len(p.lines) || p.lines[p.li].indent <= ref
}

// restIsBlank reports whether s[i:] holds only spaces and perhaps a comment after a space.
func restIsBlank(s string, i int) bool {
	j := skipSp(s, i)
	return j == len(s) || s[j] == '#' && j > i
}

// keyAt reads a mapping key at s[i] and returns it with the index just after its ':'.
func keyAt(s string, i int) (string, int, bool) {
	var key string
	var end int
	if s[i] == '"' || s[i] == '\'' {
		var ok bool
		if key, end, ok = quoted(s, i); !ok {
			return "", 0, false
		}
		end = skipSp(s, end)
		if end >= len(s) || s[end] != ':' {
			return "", 0, false
		}
	} else {
		if !plainStart(s, i, false) {
			return "", 0, false
		}
		e, isKey := blockPlain(s, i)
		if !isKey {
			return "", 0, false
		}
		text := strings.TrimRight(s[i:e], " ")
		if text == "<<" {
			return "", 0, false // a merge key
		}
		k, ok := keyString(resolvePlain(text))
		if !ok {
			return "", 0, false
		}
		key, end = k, e
	}
	// The YAML parser refuses implicit keys longer than 1024 characters.
	if end-i > 1000 || end+1 < len(s) && s[end+1] != ' ' {
		return "", 0, false
	}
	return key, end + 1, true
}

func isKeyAt(s string, i int) bool {
	_, _, ok := keyAt(s, i)
	return ok
}

// blockPlain returns the end of a plain scalar starting at s[i] in block context: a ':' followed
// by a space or the end of the line (then isKey is true), a '#' after a space, or the line end.
func blockPlain(s string, i int) (end int, isKey bool) {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case ':':
			if j+1 == len(s) || s[j+1] == ' ' {
				return j, true
			}
		case '#':
			if s[j-1] == ' ' {
				return j, false
			}
		}
	}
	return len(s), false
}

// plainStart reports whether a plain scalar may start at s[i]. Indicators may not, except "-"
// before a character that is not a space (as in "-1" or "--flag").
func plainStart(s string, i int, flow bool) bool {
	switch s[i] {
	case '-':
		return i+1 < len(s) && s[i+1] != ' ' && (!flow || !isFlowIndicator(s[i+1]))
	case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ':
		return false
	}
	return true
}

func isFlowIndicator(c byte) bool {
	return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'
}
