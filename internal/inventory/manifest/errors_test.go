package manifest

import (
	"fmt"
	"strings"
	"testing"
)

func TestBadDocuments(t *testing.T) {
	const good1 = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: before\n"
	const good2 = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: after\n"
	tests := []struct {
		name    string
		bad     string
		marker  string // the line the error must point at, within bad
		message string
	}{
		{"unterminated flow mapping", "apiVersion: v1\nkind: Pod\nmetadata: {name: broken\n", "metadata:", "did not find expected ',' or '}'"},
		{"bad indentation", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n    bad: y\n", "bad: y", "mapping values are not allowed"},
		{"tab indentation", "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n", "\tname", "cannot start any token"},
		{"unterminated quote", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"x\n", "name: \"x", "found unexpected end of stream"},
		{"unknown anchor", "apiVersion: v1\nkind: Pod\nmetadata: *nowhere\n", "apiVersion", "unknown anchor"},
		{"no kind", "apiVersion: v1\nmetadata:\n  name: x\n", "apiVersion", "no apiVersion or kind"},
		{"no apiVersion", "kind: Pod\nmetadata:\n  name: x\n", "kind: Pod", "no apiVersion or kind"},
		{"kind not a string", "apiVersion: v1\nkind: [Pod]\n", "kind:", "kind must be a string"},
		{"apiVersion a number", "apiVersion: 1\nkind: Pod\n", "apiVersion", "apiVersion must be a string"},
		{"invalid apiVersion", "apiVersion: a/b/c\nkind: Pod\n", "apiVersion", "invalid apiVersion"},
		{"scalar document", "just a string\n", "just a string", "must be a mapping"},
		{"sequence document", "- a\n- b\n", "- a", "must be a mapping"},
		{"typed decoding error", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: three\nspec:\n  replicas: \"three\"\n", "replicas:", "spec.replicas of type int32"},
		{"typed error deep in a list", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n  - name: b\n    ports:\n    - containerPort: {x: 1}\n", "containerPort", "cannot unmarshal object"},
		{"typed error in a List item", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n  spec:\n    ports: yes\n", "ports: yes", "cannot unmarshal bool"},
		{"env value kubectl reads as a bool", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    env:\n    - name: X\n      value: yes\n", "value: yes", "cannot unmarshal bool"},
		{"infinity", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    x: .inf\n", "x: .inf", "infinity and NaN"},
		{"null key", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  ~: c\n", "~: c", "mapping key must be"},
		{"complex key", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  ? [a]\n  : c\n", "? [a]", "mapping key must be a scalar"},
		{"bad merge", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  <<: 3\n", "<<: 3", "merge key needs a mapping"},
		{"items not a list", "apiVersion: v1\nkind: List\nitems: 3\n", "items: 3", "must be a sequence"},
		{"List item not a mapping", "apiVersion: v1\nkind: List\nitems:\n- 3\n", "- 3", "item must be a mapping"},
		{"untyped List item", "apiVersion: v1\nkind: List\nitems:\n- metadata: {name: x}\n", "- metadata", "no apiVersion or kind"},
		{"bad base64", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: !!binary '%%%'\n", "name:", "invalid base64"},
		{"tag mismatch", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: !!int abc\n", "name:", "cannot decode value as !!int"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			input := good1 + "---\n" + tc.bad + "---\n" + good2
			objs, errs := decodeBoth(t, "mixed.yaml", input, Options{})
			if len(errs) != 1 {
				t.Fatalf("got errors %v, want one", errs)
			}
			want := lineOf(t, input[len(good1)+4:], tc.marker) + strings.Count(good1, "\n") + 1
			if e := errs[0]; e.File != "mixed.yaml" || e.Line != want || !strings.Contains(e.Message, tc.message) {
				t.Errorf("error %+v, want mixed.yaml:%d with %q", e, want, tc.message)
			}
			if len(objs) < 2 || objs[0].Ref.Name != "before" || objs[len(objs)-1].Ref.Name != "after" {
				t.Errorf("the documents around the bad one were not loaded: %d objects", len(objs))
			}
		})
	}
}

func TestListItemErrorKeepsOtherItems(t *testing.T) {
	input := "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: a}\n" +
		"- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: b}\n  spec: {replicas: many}\n" +
		"- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: c}\n"
	objs, errs := decodeBoth(t, "list.yaml", input, Options{})
	if len(objs) != 2 || objs[0].Ref.Name != "a" || objs[1].Ref.Name != "c" {
		t.Errorf("got %d objects, want items a and c", len(objs))
	}
	if len(errs) != 1 || errs[0].Line != lineOf(t, input, "replicas: many") {
		t.Errorf("errors %v, want one at the replicas line", errs)
	}
}

func TestErrorsAreCapped(t *testing.T) {
	input := strings.Repeat("---\nnot: an object\n", 500)
	_, errs := Decode("junk.yaml", []byte(input), Options{})
	if len(errs) != maxErrorsPerFile+1 {
		t.Fatalf("got %d errors, want %d", len(errs), maxErrorsPerFile+1)
	}
	last := errs[len(errs)-1]
	if last.File != "junk.yaml" || !strings.Contains(last.Message, "400 more errors") {
		t.Errorf("last error %+v does not summarise the rest", last)
	}
}

func TestErrorsDoNotEchoValues(t *testing.T) {
	const secret = "hunter2-canary"
	for _, in := range []string{
		"apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  password: " + secret + "\n",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: !!int " + secret + "\n",
		"apiVersion: v1\nkind: Pod\nmetadata: {name: s}\nspec:\n  containers: " + secret + "\n",
	} {
		_, errs := decodeBoth(t, "secret.yaml", in, Options{})
		if len(errs) == 0 {
			t.Fatalf("no error for %q", in)
		}
		for _, e := range errs {
			if strings.Contains(e.Message, secret) {
				t.Errorf("error message echoes the value: %s", e.Message)
			}
		}
	}
}

func TestParserErrorLine(t *testing.T) {
	for _, tc := range []struct {
		err  string
		line int
		msg  string
	}{
		{"yaml: line 3: did not find expected key", 4, "did not find expected key"},
		{"yaml: line 3: mapping values are not allowed in this context", 3, "mapping values are not allowed in this context"},
		{"yaml: unknown anchor 'x' referenced", 0, "unknown anchor 'x' referenced"},
		{"yaml: line x: odd", 0, "line x: odd"},
	} {
		line, msg := parserError(fmt.Errorf("%s", tc.err))
		if line != tc.line || msg != tc.msg {
			t.Errorf("parserError(%q) = %d, %q; want %d, %q", tc.err, line, msg, tc.line, tc.msg)
		}
	}
}

// TestLargeList covers the parallel decoding of a List's items, with and without a bad item.
func TestLargeList(t *testing.T) {
	for _, bad := range []int{-1, 150} {
		var b strings.Builder
		b.WriteString("apiVersion: v1\nkind: List\nitems:\n")
		for i := range 200 {
			replicas := "1"
			if i == bad {
				replicas = "lots"
			}
			fmt.Fprintf(&b, "- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d%03d}\n  spec:\n    replicas: %s\n", i, replicas)
		}
		in := b.String()
		objs, errs := decodeBoth(t, "list.yaml", in, Options{Parallelism: 4})
		want := 200
		if bad >= 0 {
			want--
			if len(errs) != 1 || errs[0].Line != lineOf(t, in, "replicas: lots") {
				t.Errorf("errors %v, want one at the bad replicas", errs)
			}
		}
		if len(objs) != want {
			t.Fatalf("%d objects, want %d", len(objs), want)
		}
		for i, o := range objs {
			n := i
			if bad >= 0 && i >= bad {
				n++
			}
			if o.Ref.Name != fmt.Sprintf("d%03d", n) || o.Source.Line != lineOf(t, in, fmt.Sprintf("name: d%03d", n))-2 {
				t.Fatalf("object %d is %s at %d", i, o.Ref.Name, o.Source.Line)
			}
		}
	}
}
