package manifest

import (
	"slices"
	"strconv"
)

// The position table stores a 64-bit FNV-1a hash of each field's JSON pointer instead of the
// pointer itself: 10,000 Deployments carry about 400,000 fields, and hashes keep that at 12 bytes
// a field. The hash is built incrementally while walking, so no pointer string is ever allocated.
// A collision inside one object (odds around 1e-15) could only mislocate a line, never a finding.
const (
	fnvOffset uint64 = 14695981039346656037
	fnvPrime  uint64 = 1099511628211
)

func fnvByte(h uint64, b byte) uint64 { return (h ^ uint64(b)) * fnvPrime }

// childKey extends the hash of a pointer with one RFC 6901 reference token, escaping "~" and "/"
// the way the pointer a check passes in is escaped.
func childKey(h uint64, key string) uint64 {
	h = fnvByte(h, '/')
	for i := 0; i < len(key); i++ {
		switch c := key[i]; c {
		case '~':
			h = fnvByte(fnvByte(h, '~'), '0')
		case '/':
			h = fnvByte(fnvByte(h, '~'), '1')
		default:
			h = fnvByte(h, c)
		}
	}
	return h
}

// childIndex extends the hash of a pointer with an array index.
func childIndex(h uint64, i int) uint64 {
	var digits [20]byte
	h = fnvByte(h, '/')
	for _, c := range strconv.AppendInt(digits[:0], int64(i), 10) {
		h = fnvByte(h, c)
	}
	return h
}

func hashPointer(p string) uint64 {
	h := fnvOffset
	for i := 0; i < len(p); i++ {
		h = fnvByte(h, p[i])
	}
	return h
}

// posEntry is one field while an object is being walked.
type posEntry struct {
	hash uint64
	line uint32
}

// positions locates the fields of one object; it implements check.Positions.
type positions struct {
	root   int
	hashes []uint64 // sorted
	lines  []uint32 // lines[i] is the line of hashes[i]
}

func sortEntries(entries []posEntry) {
	slices.SortFunc(entries, func(a, b posEntry) int {
		switch {
		case a.hash < b.hash:
			return -1
		case a.hash > b.hash:
			return 1
		}
		return 0
	})
}

// hasDuplicates sorts entries and reports whether a field appears twice: a repeated key.
func hasDuplicates(entries []posEntry) bool {
	sortEntries(entries)
	for i := 1; i < len(entries); i++ {
		if entries[i].hash == entries[i-1].hash {
			return true
		}
	}
	return false
}

// newPositions copies the walked entries into a compact, sorted table.
func newPositions(root int, entries []posEntry) *positions {
	sortEntries(entries)
	p := &positions{root: root, hashes: make([]uint64, len(entries)), lines: make([]uint32, len(entries))}
	for i, e := range entries {
		p.hashes[i], p.lines[i] = e.hash, e.line
	}
	return p
}

// Line returns the 1-based line of the field at pointer, the object's first line for the empty
// pointer, and 0 for a field that is not in the source.
func (p *positions) Line(pointer string) int {
	if pointer == "" {
		return p.root
	}
	h := hashPointer(pointer)
	i, ok := slices.BinarySearch(p.hashes, h)
	if !ok {
		return 0
	}
	return int(p.lines[i])
}

// Len is the number of fields the table knows.
func (p *positions) Len() int { return len(p.hashes) }
