package manifest

import (
	"strings"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the decoder. Whatever the input, decoding must not panic
// (nor hit the recover that guards the process), every error must name the file, and the fast
// parser must read every document it accepts exactly as the full parser does.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{deploymentYAML, multiDocYAML, jsonStream, listYAML, podListYAML, fancyYAML, laughs(),
		"apiVersion: v1\nkind: ConfigMap\nmetadata: &a {name: x, <<: *a}\n",
		"apiVersion: v1\nkind: List\nitems: &i [*i]\n",
		"apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: \"three\"\n",
		"---\n---\nnull\n...\n%YAML 1.1\n---\n{\"a\": [1, 2]}\n",
		"{\"apiVersion\": \"v1\", \"kind\": \"Pod\"}{\"apiVersion\": \"v1\", \"kind\": \"Pod\"} ---\n",
		nested(120, false), nested(120, true),
	} {
		f.Add([]byte(s))
	}
	for _, s := range snippets {
		f.Add([]byte(snippetDoc(s)))
	}
	for _, s := range append(listDocs, jsonDocs...) {
		f.Add([]byte(s))
	}
	opts := Options{MaxAliasNodes: 5000, MaxDocuments: 200}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		objs, errs := Decode("fuzz.yaml", data, opts)
		for _, e := range errs {
			if e.File != "fuzz.yaml" || e.Line < 0 || e.Message == "" {
				t.Fatalf("error without its file, line or reason: %+v", e)
			}
			if strings.Contains(e.Message, "internal error") {
				t.Fatalf("decoder panicked: %s", e.Message)
			}
		}
		for _, o := range objs {
			if o.Source.File != "fuzz.yaml" || o.Source.Line < 1 || o.Positions == nil || o.Ref.Kind == "" || o.Obj == nil {
				t.Fatalf("incomplete object %+v", o)
			}
		}
		checkFastAgrees(t, string(data), opts)
	})
}
