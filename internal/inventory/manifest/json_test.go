package manifest

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// jsonDocs exercise the JSON parser; each must read as the full parser reads it, or as
// encoding/json reads it where YAML has no equivalent.
var jsonDocs = []string{
	`{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": "b"}}`,
	"{\n\t\"apiVersion\": \"v1\",\r\n\t\"kind\": \"ConfigMap\",\n\t\"data\": {\"url\": \"http:\\/\\/x\"}\n}\n",
	`{"apiVersion": "v1", "kind": "ConfigMap", "data": {"emoji": "\ud83d\ude00", "lone": "\ud83d!", "low": "\ude00", "bmp": "\u00e9\u4e2d"}}`,
	`{"apiVersion": "v1", "kind": "X", "n": [0, -0, 1.0, 1.5, 1e3, 1E-3, -2.5e+10, 12345678901234567890, 123456789012345678901234]}`,
	`{"apiVersion": "v1", "kind": "X", "n": 1e400}`,
	`{"apiVersion": "v1", "kind": "X", "b": [true, false, null], "e": {}, "a": [], "s": "\b\f\n\r\t\"\\"}`,
	`{"apiVersion": "v1", "kind": "X", "a": 1, "a": 2}`,
	`{"apiVersion": "v1", "kind": "X", "a": [1, 2,]}`,
	`{"apiVersion": "v1", "kind": "X", 'a': 1}`,
	`{"apiVersion": "v1", "kind": "X", "a": 01}`,
	`{"apiVersion": "v1", "kind": "X", "a": tru}`,
	`{"apiVersion": "v1", "kind": "X", "a": "raw` + "\t" + `tab"}`,
	`{"apiVersion": "v1", "kind": "X", "a": "\x"}`,
	`{"apiVersion": "v1", "kind": "X", "a": "\u12"}`,
	`{"apiVersion": "v1", "kind": "X", "a": "next` + "\u2028" + `line", "b": 1}`,
	`{"apiVersion": "v1", "kind": "X", "a": "bad ` + "\xff" + ` byte"}`,
	`{"apiVersion": 1, "kind": "X"}`, `{"kind": "X"}`, `{"apiVersion": "v1", "kind": "X"} trailing`,
	`{"apiVersion": "v1", "kind": "X", "a": ` + strings.Repeat("[", 150) + strings.Repeat("]", 150) + `}`,
	"{\"apiVersion\": \"v1\",\n \"items\": [\n  {\"apiVersion\": \"v1\", \"kind\": \"A\",\n   \"metadata\": {\"name\": \"a\"}},\n  {\"apiVersion\": \"v1\", \"kind\": \"B\"}\n ],\n \"kind\": \"List\",\n \"metadata\": {\"resourceVersion\": \"\"}\n}",
	`{"apiVersion": "v1", "kind": "List", "items": null}`, `{"apiVersion": "v1", "kind": "List", "items": []}`,
	`{"apiVersion": "v1", "kind": "PodList", "items": [{"metadata": {"name": "p"}}]}`,
	`{"apiVersion": "v1", "kind": "List", "items": [1]}`, `{"apiVersion": "v1", "kind": "X", "items": [{"a": 1}]}`,
	`{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "A"}], "items": []}`,
	"{\"apiVersion\": \"v1\", \"kind\": \"A\"}\n{\"apiVersion\": \"v1\", \"kind\": \"B\"}\n---\napiVersion: v1\nkind: C\n",
}

func TestJSONMatchesFull(t *testing.T) {
	for _, in := range jsonDocs {
		checkFastAgrees(t, in, Options{})
	}
}

func TestJSONParserAcceptsKubectlOutput(t *testing.T) {
	in := jsonDocs[0] + "\n" + jsonDocs[1] + "\n" + jsonDocs[3] + "\n" + jsonDocs[20] + "\n" + jsonDocs[21]
	chunks, _ := split(in, DefaultMaxDocuments)
	if got := checkFastAgrees(t, in, Options{}); got != len(chunks) {
		t.Errorf("JSON parser accepted %d of %d documents", got, len(chunks))
	}
}

func TestJSONEscapesYAMLLacks(t *testing.T) {
	objs, errs := Decode("in.json", []byte(jsonDocs[1]+jsonDocs[2]), Options{})
	if len(errs) > 0 || len(objs) != 2 {
		t.Fatalf("%d objects, errors %v", len(objs), errs)
	}
	if cm := objs[0].Obj.(*corev1.ConfigMap); cm.Data["url"] != "http://x" {
		t.Errorf("\\/ read as %q", cm.Data["url"])
	}
	cm := objs[1].Obj.(*corev1.ConfigMap)
	for k, want := range map[string]string{"emoji": "😀", "lone": "\uFFFD!", "low": "\uFFFD", "bmp": "é中"} {
		if cm.Data[k] != want {
			t.Errorf("%s read as %q, want %q", k, cm.Data[k], want)
		}
	}
	if got := objs[0].Positions.Line("/data/url"); got != 4 {
		t.Errorf("/data/url at line %d, want 4", got)
	}
}
