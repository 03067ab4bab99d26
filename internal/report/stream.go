package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Splice is one large array a document streams instead of holding: the document is encoded with
// the array empty, and the items are encoded one at a time where it stands.
type Splice struct {
	// Marker is the empty array as it appears in the indented document, from the line break
	// before its key: "\n  \"findings\": []".
	Marker string
	Len    int
	// Item builds item i when it is written, so items never all exist at once.
	Item func(i int) (any, error)
}

// WriteJSON writes doc as JSON indented by two spaces, without HTML escaping, with each
// splice's items streamed into its empty array, so a report of a hundred thousand findings is
// never held in memory twice.
func WriteJSON(w io.Writer, doc any, splices ...Splice) error {
	var head bytes.Buffer
	if err := encodeIndented(&head, doc, ""); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	rest := head.Bytes()
	var item bytes.Buffer
	for _, s := range splices {
		i := bytes.Index(rest, []byte(s.Marker))
		if i < 0 {
			return fmt.Errorf("encode json: no %q in the document", s.Marker)
		}
		end := i + len(s.Marker) - 1 // just before the closing bracket
		bw.Write(rest[:end])
		indent := s.Marker[1 : 1+len(s.Marker)-1-len(strings.TrimLeft(s.Marker[1:], " "))]
		for n := 0; n < s.Len; n++ {
			item.Reset()
			v, err := s.Item(n)
			if err != nil {
				return err
			}
			if err := encodeIndented(&item, v, indent+"  "); err != nil {
				return err
			}
			if n > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString("\n" + indent + "  ")
			bw.Write(bytes.TrimSuffix(item.Bytes(), []byte("\n")))
		}
		if s.Len > 0 {
			bw.WriteString("\n" + indent)
		}
		rest = rest[end:]
	}
	bw.Write(rest)
	return bw.Flush()
}

func encodeIndented(buf *bytes.Buffer, v any, prefix string) error {
	enc := json.NewEncoder(buf)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	return nil
}
