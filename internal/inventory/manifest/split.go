package manifest

import (
	"fmt"
	"strings"

	"github.com/strata-sec/strata/internal/posture"
)

// chunk is a run of input holding one document (occasionally more, after a "..." marker), parsed
// on its own so that a syntax error costs only that document.
type chunk struct {
	text  string
	line  int // 1-based line of text[0] in the file
	first int // line of the first content: what an error without a line points at
}

// split cuts a file into chunks: YAML at "---" lines, and a stream of JSON objects (kubectl
// reads a file that starts with "{" as one) at the end of each top-level object. Chunks without
// content are dropped; past maxDocs chunks the rest of the file is reported and skipped.
func split(data string, maxDocs int) ([]chunk, []posture.InputError) {
	data = strings.TrimPrefix(data, "\xef\xbb\xbf")
	var chunks []chunk
	off, line := 0, 1
	if i := skipSpace(data, 0); i < len(data) && data[i] == '{' {
		chunks, off, line = splitJSON(data)
	}
	chunks = splitYAML(data, off, line, chunks)
	if len(chunks) > maxDocs {
		skipped := chunks[maxDocs]
		chunks = chunks[:maxDocs]
		return chunks, []posture.InputError{{Line: skipped.line, Message: fmt.Sprintf(
			"more than %d documents in one file; the rest of the file was not read", maxDocs)}}
	}
	return chunks, nil
}

func skipSpace(data string, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n') {
		i++
	}
	return i
}

// splitJSON cuts top-level JSON objects off the front of data and returns them with the offset
// and line where whatever follows them (YAML, or nothing) starts.
func splitJSON(data string) ([]chunk, int, int) {
	var chunks []chunk
	off, line := 0, 1
	for {
		i := skipSpace(data, off)
		if i >= len(data) || data[i] != '{' {
			return chunks, off, line
		}
		line += countBreaks(data[off:i])
		end := jsonEnd(data, i)
		chunks = append(chunks, chunk{text: data[i:end], line: line, first: line})
		line += countBreaks(data[i:end])
		off = end
	}
}

// jsonEnd returns the end of the JSON object or array starting at data[i]: just after its
// closing bracket, or the end of data when it is unterminated (the parser reports that).
func jsonEnd(data string, i int) int {
	depth, inString := 0, false
	for ; i < len(data); i++ {
		c := data[i]
		switch {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(data)
}

// splitYAML cuts data[off:] at document markers: lines that start with "---" followed by a
// space, a tab or the end of the line. A chunk holding only directives ("%YAML 1.1") stays with
// the document they belong to.
func splitYAML(data string, off, line int, chunks []chunk) []chunk {
	start, startLine, first := off, line, 0
	content, directivesOnly := false, true
	flush := func(end int) {
		if content && !directivesOnly {
			chunks = append(chunks, chunk{text: data[start:end], line: startLine, first: first})
		}
	}
	lf := onlyLF(data[off:])
	for i := off; i < len(data); {
		end := strings.IndexByte(data[i:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += i + 1
		}
		l := data[i:end]
		if isDocStart(l) && (!content || !directivesOnly) {
			flush(i)
			start, startLine, first = i, line, line
			content, directivesOnly = hasContentAfterMarker(l), !hasContentAfterMarker(l)
		} else if lineHasContent(l) {
			if !content || directivesOnly && l[0] != '%' {
				first = line
			}
			content = true
			directivesOnly = directivesOnly && l[0] == '%'
		}
		if lf {
			if l[len(l)-1] == '\n' {
				line++
			}
		} else {
			line += countBreaks(l)
		}
		i = end
	}
	flush(len(data))
	return chunks
}

func isDocStart(l string) bool {
	return strings.HasPrefix(l, "---") && (len(l) == 3 || isBlankByte(l[3]))
}

func isBlankByte(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// lineHasContent reports whether a line is more than blanks and a comment.
func lineHasContent(l string) bool {
	i := 0
	for i < len(l) && isBlankByte(l[i]) {
		i++
	}
	return i < len(l) && l[i] != '#'
}

func hasContentAfterMarker(l string) bool { return lineHasContent(l[3:]) }

// onlyLF reports whether LF is the only line break in b, as in nearly every file; the vectorised
// searches make that quick to establish.
func onlyLF(b string) bool {
	return strings.IndexByte(b, '\r') < 0 && strings.IndexByte(b, 0xC2) < 0 && strings.IndexByte(b, 0xE2) < 0
}

// countBreaks counts line breaks the way the YAML parser does, so lines computed from chunk
// offsets agree with the lines it reports: CR LF, LF, CR, NEL, LS and PS.
func countBreaks(b string) int {
	if onlyLF(b) {
		return strings.Count(b, "\n")
	}
	n := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\n':
			n++
		case '\r':
			if i+1 >= len(b) || b[i+1] != '\n' {
				n++
			}
		case 0xC2:
			if i+1 < len(b) && b[i+1] == 0x85 {
				n++
			}
		case 0xE2:
			if i+2 < len(b) && b[i+1] == 0x80 && (b[i+2] == 0xA8 || b[i+2] == 0xA9) {
				n++
			}
		}
	}
	return n
}
