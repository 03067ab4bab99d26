package manifest

import (
	"fmt"
	"sync/atomic"

	yaml "go.yaml.in/yaml/v3"
)

// walker turns one parsed YAML document into the JSON kubectl would send and a position table.
// It never expands an alias blindly: every node reached through an alias is charged to a budget
// shared by the whole file, so a "billion laughs" document fails after a bounded amount of work.
type walker struct {
	maxDepth int
	aliases  *atomic.Int64 // alias-expanded nodes the file may still produce
	limit    int64         // the configured alias budget, for messages
	lineOff  int           // added to node lines, which count from the start of the chunk

	buf     []byte         // JSON of the current object
	pos     []posEntry     // positions of the current object
	ents    []entry        // mapping entries; each mapping uses a region at the end
	index   map[string]int // key -> index in ents, for the region being collected
	indexed bool           // whether index is valid for that region
	active  []*yaml.Node   // anchors being expanded
	uses    []*yaml.Node   // the aliases that expand them
	inAlias int

	// trackOff, when >= 0, asks the walk to remember the line of the last value that starts
	// before that JSON offset: a typed-decoding error points there.
	trackOff  int
	trackLine int
}

// entry is one key of a mapping after merge keys and duplicate keys are applied.
type entry struct {
	key  string
	line int
	val  *yaml.Node
	// aliased is set for entries that came through an alias (a merged anchor): walking their
	// values is charged to the alias budget like any other alias expansion.
	aliased bool
}

// walkError is a problem at a line of the document.
type walkError struct {
	line int
	msg  string
}

func (e *walkError) Error() string { return e.msg }

func errAt(n *yaml.Node, format string, args ...any) error {
	return &walkError{line: n.Line, msg: fmt.Sprintf(format, args...)}
}

// start prepares the walker for a chunk whose lines are offset by lineOff, dropping whatever an
// earlier chunk that failed half-way left behind.
func (w *walker) start(lineOff int) {
	w.lineOff = lineOff
	w.release(0)
	w.active, w.uses, w.inAlias, w.indexed, w.trackOff = w.active[:0], w.uses[:0], 0, false, -1
}

func (w *walker) record(h uint64, line int) {
	line += w.lineOff
	w.pos = append(w.pos, posEntry{hash: h, line: uint32(line)})
	if w.trackOff >= 0 && len(w.buf) < w.trackOff {
		w.trackLine = line
	}
}

// value writes node n, whose pointer hashes to h, at the given nesting depth.
func (w *walker) value(n *yaml.Node, h uint64, depth int) error {
	if w.inAlias > 0 {
		if err := w.charge(n); err != nil {
			return err
		}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		v, err := resolveNode(n)
		if err != nil {
			return errAt(n, "%v", err)
		}
		if w.buf, err = appendScalar(w.buf, v); err != nil {
			return errAt(n, "%v", err)
		}
		return nil
	case yaml.MappingNode:
		if depth >= w.maxDepth {
			return errAt(n, "nesting deeper than %d levels", w.maxDepth)
		}
		start, err := w.collectMapping(n, depth+1)
		defer w.release(start)
		if err != nil {
			return err
		}
		return w.emitEntries(start, h, depth+1)
	case yaml.SequenceNode:
		if depth >= w.maxDepth {
			return errAt(n, "nesting deeper than %d levels", w.maxDepth)
		}
		return w.sequence(n, h, depth+1)
	case yaml.AliasNode:
		return w.alias(n, func(target *yaml.Node) error { return w.value(target, h, depth) })
	}
	return errAt(n, "unexpected YAML node")
}

// charge counts one node produced by alias expansion. Over budget, the error points at the
// outermost alias being expanded: the line a reader can act on.
func (w *walker) charge(n *yaml.Node) error {
	if w.aliases.Add(-1) < 0 {
		if len(w.uses) > 0 {
			n = w.uses[0]
		}
		return errAt(n, "aliases expand to more than %d nodes in this file", w.limit)
	}
	return nil
}

// alias runs fn on the node an alias points to, refusing an anchor that contains itself.
func (w *walker) alias(n *yaml.Node, fn func(*yaml.Node) error) error {
	target := n.Alias
	if target == nil {
		return errAt(n, "alias %q has no anchor", n.Value)
	}
	for _, a := range w.active {
		if a == target {
			return errAt(n, "anchor %q contains itself", n.Value)
		}
	}
	w.active, w.uses = append(w.active, target), append(w.uses, n)
	w.inAlias++
	err := fn(target)
	w.inAlias--
	w.active, w.uses = w.active[:len(w.active)-1], w.uses[:len(w.uses)-1]
	return err
}

func (w *walker) sequence(n *yaml.Node, h uint64, depth int) error {
	w.buf = append(w.buf, '[')
	for i, item := range n.Content {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		ih := childIndex(h, i)
		w.record(ih, item.Line)
		if err := w.value(item, ih, depth); err != nil {
			return err
		}
	}
	w.buf = append(w.buf, ']')
	return nil
}

// emitEntries writes the entries collected from index start as a JSON object.
func (w *walker) emitEntries(start int, h uint64, depth int) error {
	w.buf = append(w.buf, '{')
	for i := start; i < len(w.ents); i++ {
		e := w.ents[i]
		if i > start {
			w.buf = append(w.buf, ',')
		}
		kh := childKey(h, e.key)
		w.buf = appendString(w.buf, e.key)
		w.buf = append(w.buf, ':')
		w.record(kh, e.line)
		if e.aliased {
			w.inAlias++
		}
		err := w.value(e.val, kh, depth)
		if e.aliased {
			w.inAlias--
		}
		if err != nil {
			return err
		}
	}
	w.buf = append(w.buf, '}')
	return nil
}

// release drops the entries of a finished mapping, clearing them so the scratch space does not
// keep old documents alive.
func (w *walker) release(start int) {
	clear(w.ents[start:])
	w.ents = w.ents[:start]
}

// collectMapping collects the entries of mapping n into a new region at the end of w.ents and
// returns where the region starts.
func (w *walker) collectMapping(n *yaml.Node, depth int) (int, error) {
	start := len(w.ents)
	w.indexed = false
	return start, w.collect(n, start, depth)
}

// collect applies the entries of mapping n to the region starting at start, with the semantics
// of go.yaml.in/yaml/v2, which kubectl uses: entries apply in order and a later key replaces an
// earlier one; a merge key ("<<") applies its mapping, or its sequence of mappings last to first,
// at its place.
func (w *walker) collect(n *yaml.Node, start, depth int) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if w.inAlias > 0 {
			if err := w.charge(k); err != nil {
				return err
			}
		}
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			if err := w.merge(v, start, depth); err != nil {
				return err
			}
			continue
		}
		key, err := w.key(k)
		if err != nil {
			return err
		}
		w.set(start, entry{key: key, line: k.Line, val: v, aliased: w.inAlias > 0})
	}
	return nil
}

// indexFrom is the region size from which set looks keys up in a map instead of scanning.
const indexFrom = 16

// set adds e to the region that starts at index start, replacing an entry with the same key.
// Only the innermost mapping is ever being collected (values are collected after their parent
// is complete), so one index map serves every region in turn.
func (w *walker) set(start int, e entry) {
	if w.indexed {
		if i, ok := w.index[e.key]; ok {
			w.ents[i] = e
			return
		}
		w.index[e.key] = len(w.ents)
		w.ents = append(w.ents, e)
		return
	}
	for i := start; i < len(w.ents); i++ {
		if w.ents[i].key == e.key {
			w.ents[i] = e
			return
		}
	}
	w.ents = append(w.ents, e)
	if len(w.ents)-start > indexFrom {
		if w.index == nil {
			w.index = make(map[string]int)
		}
		clear(w.index)
		for i := start; i < len(w.ents); i++ {
			w.index[w.ents[i].key] = i
		}
		w.indexed = true
	}
}

func (w *walker) key(k *yaml.Node) (string, error) {
	if k.Kind == yaml.AliasNode {
		var key string
		err := w.alias(k, func(t *yaml.Node) error {
			var err error
			key, err = w.key(t)
			return err
		})
		return key, err
	}
	if k.Kind != yaml.ScalarNode {
		return "", errAt(k, "a mapping key must be a scalar")
	}
	v, err := resolveNode(k)
	if err != nil {
		return "", errAt(k, "%v", err)
	}
	s, ok := keyString(v)
	if !ok {
		return "", errAt(k, "a mapping key must be a string, number or boolean")
	}
	return s, nil
}

func (w *walker) merge(v *yaml.Node, start, depth int) error {
	if depth >= w.maxDepth {
		return errAt(v, "nesting deeper than %d levels", w.maxDepth)
	}
	switch v.Kind {
	case yaml.MappingNode:
		return w.collect(v, start, depth+1)
	case yaml.AliasNode:
		return w.alias(v, func(t *yaml.Node) error {
			if err := w.charge(t); err != nil {
				return err
			}
			if t.Kind != yaml.MappingNode {
				return errAt(v, "a merge key needs a mapping or a sequence of mappings")
			}
			return w.collect(t, start, depth+1)
		})
	case yaml.SequenceNode:
		for i := len(v.Content) - 1; i >= 0; i-- {
			item := v.Content[i]
			if item.Kind != yaml.MappingNode && item.Kind != yaml.AliasNode {
				return errAt(item, "a merge key needs a mapping or a sequence of mappings")
			}
			if err := w.merge(item, start, depth); err != nil {
				return err
			}
		}
		return nil
	}
	return errAt(v, "a merge key needs a mapping or a sequence of mappings")
}
