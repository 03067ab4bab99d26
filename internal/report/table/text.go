package table

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/redact"
)

// ANSI styles. They are written only when Options.Color is set.
const (
	reset   = "\x1b[0m"
	bold    = "\x1b[1m"
	dim     = "\x1b[2m"
	red     = "\x1b[31m"
	boldRed = "\x1b[1;31m"
	green   = "\x1b[32m"
	yellow  = "\x1b[33m"
	cyan    = "\x1b[36m"
)

var severityStyle = map[check.Severity]string{
	check.SeverityCritical: boldRed, check.SeverityHigh: red, check.SeverityMedium: yellow,
	check.SeverityLow: cyan, check.SeverityInfo: dim,
}

// printer writes the table, remembering the first write error so that the rendering code reads
// as a sequence of lines.
type printer struct {
	w     io.Writer
	color bool
	width int
	err   error
}

func (p *printer) printf(format string, args ...any) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintf(p.w, format, args...)
}

func (p *printer) line(s string) { p.printf("%s\n", s) }

// style wraps s in an ANSI style when colour is on.
func (p *printer) style(code, s string) string {
	if !p.color || code == "" {
		return s
	}
	return code + s + reset
}

// wrapped prints text wrapped to the width, every line indented; the first line starts with
// lead (already indented), the next ones with as many spaces.
func (p *printer) wrapped(indent int, lead, text string) {
	p.wrappedWords(indent, lead, strings.Fields(text))
}

// wrappedWords is wrapped for text already cut into the pieces that may not be broken.
func (p *printer) wrappedWords(indent int, lead string, words []string) {
	pad := strings.Repeat(" ", indent)
	leadWidth := visibleWidth(lead)
	for i, l := range wrap(words, max(p.width-indent-leadWidth, 20)) {
		if i == 0 {
			p.line(pad + lead + l)
			continue
		}
		p.line(pad + strings.Repeat(" ", leadWidth) + l)
	}
}

// wrap joins words with blanks into lines of at most width characters; a word longer than the
// width (a long field path) gets a line of its own rather than being cut.
func wrap(words []string, width int) []string {
	if len(words) == 0 {
		return []string{""}
	}
	var lines []string
	cur, curWidth := words[0], visibleWidth(words[0])
	for _, w := range words[1:] {
		ww := visibleWidth(w)
		if curWidth+1+ww > width {
			lines = append(lines, cur)
			cur, curWidth = w, ww
			continue
		}
		cur += " " + w
		curWidth += 1 + ww
	}
	return append(lines, cur)
}

// visibleWidth counts the characters of s a terminal shows: runes, less the ANSI styles this
// package writes (input text cannot contain escapes: text replaces them).
func visibleWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == '\x1b' {
			end := strings.IndexByte(s[i:], 'm')
			if end < 0 {
				break
			}
			i += end + 1
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}

// text prepares input-derived text for a terminal: secrets masked, and control characters
// (escape sequences a hostile manifest could carry, newlines) replaced so that they cannot
// move the cursor, recolour the screen or forge lines of the report.
func text(s string) string {
	s = redact.String(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			return ' '
		case unicode.IsControl(r):
			return '\uFFFD'
		}
		return r
	}, s)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
