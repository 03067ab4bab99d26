package posture

import (
	"cmp"
	"slices"
	"strings"

	"github.com/strata-sec/strata/internal/check"
)

// CompareKey compares a.Key() and b.Key() as strings, without building them: sorting and
// joining hundreds of thousands of findings by key must not allocate per comparison.
func CompareKey(a, b *Finding) int {
	if a.Check.ID == b.Check.ID {
		ua, ub := a.Object.UID, b.Object.UID
		switch {
		case a.Object == b.Object:
			return strings.Compare(a.Path, b.Path)
		case ua != "" && ub != "" && ua == ub:
			return strings.Compare(a.Path, b.Path)
		case ua != "" && ub != "" && !strings.HasPrefix(ua, ub) && !strings.HasPrefix(ub, ua):
			// The first difference is inside the UIDs.
			return strings.Compare(ua, ub)
		}
	}
	var pa, pb [11]string
	return compareParts(keyParts(a, &pa), keyParts(b, &pb))
}

// keyParts returns the pieces Key concatenates, in buf.
func keyParts(f *Finding, buf *[11]string) []string {
	o := &f.Object
	if o.UID != "" {
		*buf = [11]string{f.Check.ID, "|", o.UID, "|", f.Path}
		return buf[:5]
	}
	*buf = [11]string{f.Check.ID, "|", o.APIVersion, "/", o.Kind, "/", o.Namespace, "/", o.Name, "|", f.Path}
	return buf[:]
}

// compareObjects compares a.Object.String() and b.Object.String() without building them.
func compareObjects(a, b *Finding) int {
	ra, rb := &a.Object, &b.Object
	if ra.Kind == rb.Kind && ra.Namespace == rb.Namespace {
		return strings.Compare(ra.Name, rb.Name)
	}
	var pa, pb [5]string
	return compareParts(refParts(ra.Kind, ra.Namespace, ra.Name, &pa), refParts(rb.Kind, rb.Namespace, rb.Name, &pb))
}

func refParts(kind, ns, name string, buf *[5]string) []string {
	if ns == "" {
		*buf = [5]string{kind, "/", name}
		return buf[:3]
	}
	*buf = [5]string{kind, "/", ns, "/", name}
	return buf[:]
}

// compareParts compares the concatenation of a with that of b, byte by byte.
func compareParts(a, b []string) int {
	i, j := 0, 0
	var x, y string
	for {
		for x == "" && i < len(a) {
			x, i = a[i], i+1
		}
		for y == "" && j < len(b) {
			y, j = b[j], j+1
		}
		switch {
		case x == "" && y == "":
			return 0
		case x == "":
			return -1
		case y == "":
			return 1
		}
		n := min(len(x), len(y))
		if c := strings.Compare(x[:n], y[:n]); c != 0 {
			return c
		}
		x, y = x[n:], y[n:]
	}
}

// SortStable sorts s by cmp, keeping the order of elements cmp finds equal, in O(n log n)
// comparisons: sort.SliceStable's in-place merging moves memory O(n log² n) times, which
// dominates for the half million findings of a large cluster.
func SortStable[T any](s []T, cmp func(a, b T) int) {
	if len(s) < 2 {
		return
	}
	type item struct {
		v T
		i int
	}
	items := make([]item, len(s))
	for i, v := range s {
		items[i] = item{v, i}
	}
	slices.SortFunc(items, func(a, b item) int {
		if c := cmp(a.v, b.v); c != 0 {
			return c
		}
		return a.i - b.i
	})
	for i := range items {
		s[i] = items[i].v
	}
}

// SortFindings sorts fs in the order Sort gives findings, keeping the order of findings that
// compare equal.
func SortFindings(fs []*Finding) {
	type group struct {
		sev check.Severity
		id  string
	}
	sortGrouped(fs, func(f *Finding) group { return group{f.Severity, f.Check.ID} }, func(a, b group) int {
		if a.sev != b.sev {
			return cmp.Compare(b.sev, a.sev)
		}
		return strings.Compare(a.id, b.id)
	}, Compare)
}

// SortByKey sorts fs by Key, keeping the order of findings with one key.
func SortByKey(fs []*Finding) {
	for _, f := range fs {
		if strings.Contains(f.Check.ID, "|") {
			// The check ID alone no longer decides between two checks' keys.
			SortStable(fs, CompareKey)
			return
		}
	}
	// Without "|" in check IDs, keys of different checks compare as their IDs followed by
	// "|" do.
	sortGrouped(fs, func(f *Finding) string { return f.Check.ID },
		func(a, b string) int { return compareParts([]string{a, "|"}, []string{b, "|"}) }, CompareKey)
}

// sortGrouped sorts fs stably by cmp, which must order findings of different groups as
// cmpGroup orders their groups: it places each group with a counting sort, then sorts within
// groups, which is fewer comparisons on less memory than sorting everything as one.
func sortGrouped[G comparable](fs []*Finding, groupOf func(*Finding) G, cmpGroup func(a, b G) int, cmp func(a, b *Finding) int) {
	if len(fs) < 2 {
		return
	}
	index := map[G]int{}
	var groups []G
	var counts []int
	of := make([]int32, len(fs))
	for i, f := range fs {
		g := groupOf(f)
		n, ok := index[g]
		if !ok {
			n = len(groups)
			index[g] = n
			groups = append(groups, g)
			counts = append(counts, 0)
		}
		of[i] = int32(n)
		counts[n]++
	}
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmpGroup(groups[a], groups[b]) })
	start := make([]int, len(groups))
	at := 0
	for _, n := range order {
		start[n] = at
		at += counts[n]
	}
	sorted := make([]*Finding, len(fs))
	next := slices.Clone(start)
	for i, f := range fs {
		n := of[i]
		sorted[next[n]] = f
		next[n]++
	}
	for _, n := range order {
		SortStable(sorted[start[n]:start[n]+counts[n]], cmp)
	}
	copy(fs, sorted)
}
