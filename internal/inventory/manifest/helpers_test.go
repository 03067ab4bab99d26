package manifest

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
)

// lineOf returns the 1-based line of the first line of input containing marker.
func lineOf(t testing.TB, input, marker string) int {
	t.Helper()
	for i, l := range strings.Split(input, "\n") {
		if strings.Contains(l, marker) {
			return i + 1
		}
	}
	t.Fatalf("marker %q not in input", marker)
	return 0
}

// decodeBoth decodes input with the fast parser enabled and with the full parser only, fails
// the test when the two disagree, and returns the result.
func decodeBoth(t testing.TB, file, input string, opts Options) ([]*check.Object, []posture.InputError) {
	t.Helper()
	objs, errs := Decode(file, []byte(input), opts)
	full := opts
	full.fullOnly = true
	fobjs, ferrs := Decode(file, []byte(input), full)
	if !reflect.DeepEqual(errs, ferrs) {
		t.Fatalf("fast and full parsers report different errors:\nfast: %v\nfull: %v", errs, ferrs)
	}
	if len(objs) != len(fobjs) {
		t.Fatalf("fast parser read %d objects, full parser %d", len(objs), len(fobjs))
	}
	for i := range objs {
		if !reflect.DeepEqual(objs[i], fobjs[i]) {
			t.Fatalf("object %d differs between fast and full parser:\nfast: %+v\nfull: %+v", i, objs[i], fobjs[i])
		}
	}
	return objs, errs
}

// readOut is one object as a parser read it.
type readOut struct {
	json       []byte
	pos        []posEntry
	line       int
	apiVersion string
	kind       string
}

// fullChunk reads a chunk with the full parser; ok is false when it fails anywhere.
func fullChunk(c chunk, opts Options) (outs []readOut, ok bool) {
	d := newDocDecoder("f", opts, newBudget(opts.maxAliasNodes()))
	d.lineOff, d.w.lineOff = c.line-1, c.line-1
	dec := yaml.NewDecoder(strings.NewReader(c.text))
	failed := false
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, false
		}
		if len(doc.Content) == 0 {
			continue
		}
		d.w.objects(doc.Content[0], func(o walked) {
			out := readOut{bytes.Clone(d.w.buf), slices.Clone(d.w.pos), o.node.Line + d.lineOff, o.apiVersion, o.kind}
			sortEntries(out.pos)
			outs = append(outs, out)
		}, func(error) { failed = true })
	}
	return outs, !failed
}

// checkFastAgrees fails when the fast parser accepts a chunk of data and reads it differently
// from the full parser, or accepts what the full parser refuses. It returns how many chunks
// the fast parser accepted.
func checkFastAgrees(t testing.TB, data string, opts Options) int {
	t.Helper()
	chunks, _ := split(data, opts.maxDocuments())
	yp := fastParser{maxDepth: opts.maxDepth()}
	jp := jsonParser{maxDepth: opts.maxDepth()}
	accepted := 0
	for _, c := range chunks {
		isJSON := strings.HasPrefix(c.text, "{")
		out := &yp.fastOut
		if isJSON {
			out = &jp.fastOut
		}
		if isJSON && !jp.parse(c) || !isJSON && !yp.parse(c) {
			continue
		}
		accepted++
		var fast []readOut
		for _, o := range out.objs {
			r := readOut{out.buf[o.jsonStart:o.jsonEnd], slices.Clone(out.pos[o.posStart:o.posEnd]), o.line, o.apiVersion, o.kind}
			sortEntries(r.pos)
			fast = append(fast, r)
		}
		if isJSON {
			checkJSONSemantics(t, c.text, fast)
		}
		full, ok := fullChunk(c, opts)
		switch {
		case ok:
			compareReads(t, c.text, fast, full)
		case !isJSON:
			t.Fatalf("fast parser accepted a chunk the full parser refuses:\n%s", c.text)
		}
	}
	return accepted
}

// checkJSONSemantics fails when the JSON parser accepts what is not JSON, or reads a single
// object other than encoding/json does.
func checkJSONSemantics(t testing.TB, text string, read []readOut) {
	t.Helper()
	if !json.Valid([]byte(text)) {
		t.Fatalf("JSON parser accepted invalid JSON:\n%s", text)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		t.Fatalf("encoding/json refuses %q: %v", text, err)
	}
	if _, isList := raw["items"]; isList || len(read) != 1 {
		return
	}
	var got any
	if err := json.Unmarshal(read[0].json, &got); err != nil || !reflect.DeepEqual(got, any(raw)) {
		t.Fatalf("JSON parser reads\n%s\nas\n%s", text, read[0].json)
	}
}

func compareReads(t testing.TB, text string, fast, full []readOut) {
	t.Helper()
	if len(fast) != len(full) {
		t.Fatalf("fast parser reads %d objects from\n%s\nfull parser %d", len(fast), text, len(full))
	}
	for i := range fast {
		a, b := fast[i], full[i]
		if !bytes.Equal(a.json, b.json) || a.apiVersion != b.apiVersion || a.kind != b.kind {
			t.Fatalf("fast parser reads\n%s\nas\n%s (%s %s)\nfull parser as\n%s (%s %s)",
				text, a.json, a.apiVersion, a.kind, b.json, b.apiVersion, b.kind)
		}
		if !slices.Equal(a.pos, b.pos) || a.line != b.line {
			t.Fatalf("fast parser positions differ for\n%s\nfast: %v (line %d)\nfull: %v (line %d)",
				text, a.pos, a.line, b.pos, b.line)
		}
	}
}
