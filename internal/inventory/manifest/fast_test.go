package manifest

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"
)

// snippets are bodies of a document after "apiVersion: v1\nkind: Snippet\n": each exercises
// a corner of YAML where the fast parser must either agree with the full one or give up.
var snippets = []string{
	"a: 1\nb: -2\nc: +3\nd: 0x1F\ne: 017\nf: 1_000\ng: 0o17\nh: 0b101\ni: -0b11\n",
	"a: 1.5\nb: .5\nc: 1.\nd: 1e3\ne: 1E-3\nf: -1.5e+10\ng: 1e400\nh: 123456789012345678901234\n",
	"a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: n\ng: true\nh: False\ni: TRUE\n",
	"a: ~\nb: null\nc: Null\nd:\ne: NULL\n",
	"a: .inf\n", "a: -.Inf\n", "a: .nan\n",
	"a: 2024-01-02\nb: 2024-01-02T03:04:05Z\nc: 12:30\n",
	"a: \"quoted\"\nb: 'single ''quote'''\nc: \"esc \\\" \\\\ \\n \\t \\r\"\nd: \"\"\ne: ''\n", "a: \"\\/\"\n",
	"a: \"\\u00e9\"\nb: \"\\x41\"\nc: \"\\0\"\n",
	"a: a#b\nb: a # comment\nc: x   \nd: http://example.com:80/x\ne: key:value\nf: -flag\ng: --flag=1\n",
	"a: b: c\n", "a: - b\n", "a: [b\n", "a: {b: c\n", "a: \"open\n", "a: 'open\n",
	"a: b\n  c\n", "a: \"two\n  lines\"\n", "- a\n", "a\n", "a: 1\n- b\n", "a: 1\n  b: 2\n",
	"\"quoted key\": 1\n'single key': 2\n\"k\":3\n", "1: a\n2.5: b\nyes: c\ntrue: d\n", "~: a\n", "null: a\n",
	"a b: c\n", "? a\n: b\n", "a : b\n", "a:  b\n", "a:\tb\n", "a: b\t\n",
	"a: {}\nb: []\nc: {x: 1, y: [1, 2.5, true, null, ~]}\nd: [\"a\", 'b', c d]\n",
	"a: [a, b, ]\n", "a: {a: }\n", "a: {a}\n", "a: [a: b]\n", "a: [[1, [2]], {b: {c: d}}]\n",
	"a: {\"k\": 1, 'l': 2}\n", "a: {\"k\":1}\n", "a: {a:1}\n", "a: [a,b]\n", "a: [a , b ]\n",
	"a: {a: 1}# c\n", "a: {a: 1} # c\n", "a: [a]x\n", "a: [-1, -a, - b]\n", "a: [a#b]\n", "a: [a #b]\n",
	"a: [:a]\n", "a: {?a: b}\n", "a: [\"a\":b]\n", "a: [b, {c: d}]\n", "a: {b: [c, d], e: f}\n",
	"list:\n- a\n- b\nnext: 1\n", "list:\n  - a\n  - b\nnext: 1\n", "list:\n- - a\n  - b\n",
	"list:\n-\n  - a\n", "list:\n-\n  a: 1\n  b: 2\n-   c: 3\n    d: 4\n", "list:\n- \n- a\n", "list:\n-\n",
	"list:\n- a: 1\n  b: 2\n- c\n", "list:\n- a: 1\n   b: 2\n", "list:\n - a\n- b\n", "list:\n- a\n  - b\n",
	"m:\n  a: 1\n    b: 2\n", "m:\n  a: 1\n b: 2\n", "m:\n\n  # comment\n  a: 1\n\n  b: 2 # trailing\n",
	"m: # comment\n  a: 1\n", "m:\n  a:\n  b:\n", "m:\n  a:\n    - 1\n  b: 2\n",
	"a: 1\r\nb: [x, y]\r\nc:\r\n- d\r\n", "a: 1\rb: 2\n", "a: \x01\n", "a: é\n", "a: \"\xff\"\n",
	"a: &x 1\nb: *x\n", "a: !!str 1\n", "a: !!int \"2\"\nb: !!float 3\n", "a: !custom x\n", "<<: {a: 1}\n",
	"a: |\n  text\n", "a: >\n  text\n", "a: |-\n  x\n\nb: 1\n",
	"a: 1\na: 2\n", "m: {a: 1, a: 2}\n", "list: [1, 2]\nlist: [3]\n",
	"a: %x\n", "a: @x\n", "a: `x\n", "a: |x\n", "a: >x\n", "a: ,x\n", "a: ]x\n", "a: }x\n", "a: ?x\n", "a: :x\n",
	"a: 'it''s'\nb: \"say \\\"hi\\\"\"\n", "a: \"x\" # c\n", "a: \"x\"#c\n", "a: \"x\" y\n", "a: 'x'y\n",
	"items: [1]\n", "items:\n- 1\n",
	"a:\n  - b\n  -  c\n", "a:\n-   b: 1\n    c: 2\n", "a:\n- b: 1\n  c:\n  - d\n  e: 2\n", "a:\n- b:\n    c: 1\n",
	"a:\n  b:\n  - c\n  d: 1\n", "a  : b\n", "a:     b\n", "a: # c\n  b: 1\n", "a: 'x' # c\n", "a/b.c-d_e: 1\n",
	"a:\n- 'q'\n- \"d\"\n- [x]\n- {y: 1}\n- z # c\n", "a:\n\n# col 0\n\n  b: 1\n", "a:\n  # c\nb: 1\n", "a: -\n",
	"a: b", "a:\n  b: 1\n# end", "a: x y  z\n", "a: 'x' \n", "a: \"x\"  \n", "\"a\" : 1\n", "'a': 1\n'a': 2\n",
	"a: [ ]\n", "a: { }\n", "a: [ a , b ]\n", "a: { b : c }\n", "a: {b: c, d: [e, {f: g}]}\n", "a: [\"x\", 'y''z']\n",
	"a:\n  - - b\n", "a:\n  -\n    - b\n", "a:\n  ? b\n", "a: b\n b2: c\n", "a:\n  b: c\n d: e\n",
	"  a: 1\n  b: 2\n", "a: 1\n...\n", "a: 1\n--- \n", "%YAML 1.1\n---\na: 1\n",
	"a: " + strings.Repeat("x", 2000) + "\n", strings.Repeat("k", 1100) + ": v\n",
	"a: " + strings.Repeat("[", 120) + strings.Repeat("]", 120) + "\n",
}

// listDocs are List documents, which both parsers expand into their items.
var listDocs = []string{
	"apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: A\n  metadata: {name: a}\n- apiVersion: v1\n  kind: B\nkind: List\nmetadata:\n  resourceVersion: \"\"\n",
	"apiVersion: v1\nkind: List\nitems: []\n", "apiVersion: v1\nkind: List\nitems:\n", "apiVersion: v1\nkind: List\nitems: [] # none\n",
	"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: A\nitems:\n- apiVersion: v1\n  kind: B\n",
	"apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: A\n  - apiVersion: v1\n    kind: B\n",
	"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - apiVersion: v1\n    kind: C\n",
	"apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: p}\n- kind: Pod\n  metadata: {name: q}\n",
	"apiVersion: v1\nkind: List\nitems:\n- metadata: {name: p}\n",
	"apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: A}]\n",
	"apiVersion: v1\nkind: List\nitems:\n-\n  apiVersion: v1\n  kind: A\n",
	"apiVersion: v1\nkind: List\nitems:\n- a\n", "apiVersion: v1\nkind: List\nitems: 3\n",
	"apiVersion: v1\nkind: Thing\nitems:\n- apiVersion: v1\n  kind: A\n",
	"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: A\n  x: 1\n  x: 2\n",
	"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: A\n- apiVersion: [v1]\n  kind: B\n",
}

// snippetDoc wraps a snippet into a document with apiVersion and kind.
func snippetDoc(s string) string { return "apiVersion: v1\nkind: Snippet\n" + s }

func TestFastMatchesFull(t *testing.T) {
	for _, s := range snippets {
		checkFastAgrees(t, snippetDoc(s), Options{})
		checkFastAgrees(t, "---\n"+snippetDoc(s), Options{})
	}
	for _, in := range append([]string{deploymentYAML, multiDocYAML, jsonStream, listYAML, podListYAML, fancyYAML}, listDocs...) {
		checkFastAgrees(t, in, Options{})
	}
}

// TestFastParserAcceptsCommonYAML keeps the fast parser from silently giving up on the
// manifests it exists for, which would make every scan ten times slower.
func TestFastParserAcceptsCommonYAML(t *testing.T) {
	for name, in := range map[string]string{
		"deployment":     deploymentYAML,
		"multi-document": "apiVersion: v1\nkind: A\n---\n# c\n---\napiVersion: v1\nkind: B\n",
		"benchmark":      "---\n" + deployment(7) + "---\n" + deployment(8),
		"lists":          listYAML + "---\n" + podListYAML + "---\n" + listDocs[0] + "---\n" + listDocs[1],
		"snippets": snippetDoc(snippets[0]) + "---\n" + snippetDoc(snippets[1]) + "---\n" +
			snippetDoc(snippets[2]) + "---\n" + snippetDoc(snippets[8]),
	} {
		chunks, _ := split(in, DefaultMaxDocuments)
		if got := checkFastAgrees(t, in, Options{}); got != len(chunks) {
			t.Errorf("%s: fast parser accepted %d of %d documents", name, got, len(chunks))
		}
	}
}

// TestKubectlScalars holds the full parser to what kubectl sends the API server for the same
// YAML: sigs.k8s.io/yaml's conversion, which is what kubectl runs.
func TestKubectlScalars(t *testing.T) {
	compared := 0
	for _, s := range append(snippets, fancyYAML[len("apiVersion: v1\nkind: ConfigMap\n"):],
		"base: &b {x: 1, y: 2}\nm:\n  y: 0\n  <<: *b\n  x: 9\n",
		"b1: &b1 {x: 1}\nb2: &b2 {x: 2, y: 2}\nm: {<<: [*b1, *b2]}\n",
		"a: !!binary aGVsbG8=\nb: !!float 1\nc: !!bool yes\n",
		"m:\n  1: a\n  1.5: b\n  yes: c\n  -3: d\n",
	) {
		doc := snippetDoc(s)
		want, err := sigsyaml.YAMLToJSON([]byte(doc))
		if err != nil {
			continue // kubectl refuses it; other tests cover what strata reports
		}
		chunks, _ := split(doc, DefaultMaxDocuments)
		if len(chunks) != 1 {
			continue
		}
		outs, ok := fullChunk(chunks[0], Options{})
		if !ok || len(outs) != 1 {
			// Where the YAML libraries differ, strata must refuse, never read differently.
			continue
		}
		got := outs[0]
		var g, w any
		if err := json.Unmarshal(got.json, &g); err != nil {
			t.Fatalf("%q: invalid JSON %s: %v", doc, got.json, err)
		}
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%q:\nstrata reads  %s\nkubectl sends %s", s, got.json, want)
		}
		compared++
	}
	if compared < 60 {
		t.Errorf("only %d snippets compared with kubectl; the table lost its coverage", compared)
	}
}
