package manifest

import "strings"

// fastOut is what the fast parsers (YAML and JSON) read from one document: the JSON and
// positions of each object, as regions of shared buffers. A List yields its items.
type fastOut struct {
	buf   []byte
	pos   []posEntry
	objs  []fastObj // the result of finish
	cur   fastObj   // the object being read
	items []fastObj // the items of a List, while reading it

	objDepth   int    // nesting depth of the current object's top-level mapping
	last       scalar // the scalar just read
	lastScalar bool   // whether the value just read was a scalar
}

// fastObj is one object: its regions of fastOut.buf and fastOut.pos, and what it is.
type fastObj struct {
	line               int
	jsonStart, jsonEnd int
	posStart, posEnd   int
	apiVersion, kind   string
	hasItems           bool // it has a top-level key "items"
}

func (o *fastOut) reset(line int) {
	o.buf, o.pos, o.objs, o.items = o.buf[:0], o.pos[:0], o.objs[:0], o.items[:0]
	o.cur, o.objDepth, o.lastScalar = fastObj{line: line}, 1, false
}

func (o *fastOut) record(h uint64, line int) {
	o.pos = append(o.pos, posEntry{hash: h, line: uint32(line)})
}

// objKey notes a top-level key of the current object once its value is read: apiVersion and
// kind must be strings.
func (o *fastOut) objKey(key string) bool {
	switch key {
	case "apiVersion", "kind":
		if !o.lastScalar || o.last.kind != kindString {
			return false
		}
		if key == "kind" {
			o.cur.kind = o.last.s
		} else {
			o.cur.apiVersion = o.last.s
		}
	case "items":
		o.cur.hasItems = true
	}
	return true
}

// beginItem starts reading a List item whose top-level mapping is at the given depth; endItem
// finishes it and returns to the List.
func (o *fastOut) beginItem(line, depth int) (saved fastObj, savedDepth int) {
	saved, savedDepth = o.cur, o.objDepth
	o.cur = fastObj{line: line, jsonStart: len(o.buf), posStart: len(o.pos)}
	o.objDepth = depth
	return saved, savedDepth
}

func (o *fastOut) endItem(saved fastObj, savedDepth int) {
	o.cur.jsonEnd, o.cur.posEnd = len(o.buf), len(o.pos)
	o.items = append(o.items, o.cur)
	o.cur, o.objDepth = saved, savedDepth
}

// finish settles what the document holds, with the rules of the full parser: an object needs
// apiVersion and kind, a *List with items yields the items (those of a typed list may leave
// out apiVersion and kind), and a repeated key is left to the full parser, which knows which
// of the two kubectl keeps.
func (o *fastOut) finish() bool {
	root := o.cur
	root.jsonEnd, root.posEnd = len(o.buf), len(o.pos)
	if root.apiVersion == "" || root.kind == "" {
		return false
	}
	if !root.hasItems {
		o.objs = append(o.objs[:0], root)
		return !hasDuplicates(o.pos)
	}
	if !strings.HasSuffix(root.kind, "List") {
		return false
	}
	for i := range o.items {
		it := &o.items[i]
		if it.apiVersion == "" && it.kind == "" && root.kind != "List" {
			it.apiVersion, it.kind = root.apiVersion, strings.TrimSuffix(root.kind, "List")
		}
		if it.apiVersion == "" || it.kind == "" || it.hasItems && strings.HasSuffix(it.kind, "List") {
			return false
		}
		if hasDuplicates(o.pos[it.posStart:it.posEnd]) {
			return false
		}
	}
	o.objs = append(o.objs[:0], o.items...)
	return true
}
