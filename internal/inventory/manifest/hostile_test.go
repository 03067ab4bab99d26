package manifest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// laughs is a "billion laughs" document: nine levels of nine aliases each.
func laughs() string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		fmt.Fprintf(&b, "  %s: &%s [%s]\n", n, n, strings.TrimSuffix(strings.Repeat("*"+prev+", ", 9), ", "))
		prev = n
	}
	return b.String()
}

// nested returns a value nested n levels deep, in flow or block style.
func nested(n int, block bool) string {
	if !block {
		return "x: " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n"
	}
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%sk:\n", strings.Repeat(" ", i))
	}
	return b.String()
}

func TestHostileInput(t *testing.T) {
	const head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
	tests := []struct {
		name  string
		input string
		opts  Options
		err   string // "" means it loads
	}{
		{"billion laughs", laughs(), Options{}, "aliases expand to more than 200000 nodes"},
		{"laughs through merge keys", head + "data:\n  a: &a {a0: x, a1: x}\n  b: &b {<<: [*a, *a, *a], b: *a, c: *a, d: *a}\n  c: &c {b: *b, c: *b, d: *b, e: *b}\n  d: &d {b: *c, c: *c, d: *c, e: *c}\n  e: {b: *d, c: *d, d: *d}\n", Options{MaxAliasNodes: 100}, "aliases expand"},
		{"laughs through List items", "apiVersion: v1\nkind: List\nx: &x {apiVersion: v1, kind: ConfigMap, data: &d [a, b, c, d, e, f, g, h, i, j]}\nitems: [*x, *x, *x, *x, *x, *x, *x, *x, *x, *x, *x, *x]\n", Options{MaxAliasNodes: 50}, "aliases expand"},
		{"anchor containing itself", head + "data: &a [*a]\n", Options{}, "contains itself"},
		{"merge of itself", head + "data: &a {<<: *a}\n", Options{}, "contains itself"},
		{"deep flow nesting", head + nested(150, false), Options{}, "nesting deeper than 100 levels"},
		{"deep block nesting", head + nested(150, true), Options{}, "nesting deeper than 100 levels"},
		{"nesting past a lower limit", head + nested(12, true), Options{MaxDepth: 10}, "nesting deeper than 10 levels"},
		{"nesting under the limit", "apiVersion: example.com/v1\nkind: Deep\nspec:\n" + indent(nested(90, true), 2), Options{}, ""},
		{"parser depth limit", head + "x: " + strings.Repeat("[", 20000) + "\n", Options{}, "exceeded max depth"},
		{"very long line", head + "data:\n  big: " + strings.Repeat("x", 4<<20) + "\n", Options{}, ""},
		{"many keys", head + "data:\n" + manyKeys(50_000), Options{}, ""},
		{"few aliases are fine", head + "data:\n  a: &v value\n  b: *v\n  c: *v\n", Options{}, ""},
		{"too many documents", strings.Repeat("---\n"+head, 5), Options{MaxDocuments: 3}, "more than 3 documents"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			objs, errs := Decode("evil.yaml", []byte(tc.input), tc.opts)
			if took := time.Since(start); took > time.Second {
				t.Errorf("took %v, want well under a second", took)
			}
			if tc.err == "" {
				if len(errs) > 0 || len(objs) != 1 {
					t.Fatalf("got %d objects, errors %v; want it to load", len(objs), errs)
				}
				return
			}
			found := false
			for _, e := range errs {
				found = found || strings.Contains(e.Message, tc.err) && e.File == "evil.yaml" && e.Line > 0
			}
			if !found {
				t.Errorf("errors %v, want one with %q", errs, tc.err)
			}
		})
	}
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n"+pad) + "\n"
}

func manyKeys(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "  key%d: v\n", i)
	}
	return b.String()
}

// TestBillionLaughsFailsFast is the acceptance test of the alias budget: the document must be
// refused, in well under a second.
func TestBillionLaughsFailsFast(t *testing.T) {
	start := time.Now()
	objs, errs := Decode("lol.yaml", []byte(laughs()), Options{})
	if took := time.Since(start); took >= time.Second {
		t.Fatalf("took %v", took)
	}
	// The budget runs out expanding the first alias of f.
	if want := lineOf(t, laughs(), "f: &f"); len(objs) != 0 || len(errs) != 1 || errs[0].Line != want {
		t.Fatalf("objects %d, errors %v; want one error at line %d", len(objs), errs, want)
	}
}
