package manifest

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/strata-sec/strata/internal/check"
)

const deploymentYAML = `# a leading comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
  uid: 0d6e1f5a-uid
  labels: {app: web, tier: front}
  annotations:
    strata.dev/exempt: "ST-0001"
    odd~key: x
spec:
  replicas: 3

  template:
    spec:
      containers:
      - name: main
        image: nginx:1.27
        args: ["--port", "8080"]
        securityContext:
          privileged: true
      - name: sidecar
        image: envoy:1.30
      volumes:
      -
        name: data
        emptyDir: {}
`

const multiDocYAML = `---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: first
---
# the second document
---

apiVersion: v1
kind: Pod
metadata:
  name: second
spec:
  containers:
  - name: c
    image: busybox
    securityContext:
      runAsUser: 0
...
`

const jsonStream = `{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "json-one"},
  "spec": {
    "containers": [
      {"name": "c", "image": "nginx",
       "securityContext": {"privileged": true}}
    ]
  }
}
{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "json-two"}}
`

const listYAML = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings
  data:
    mode: fast
- apiVersion: example.com/v1
  kind: Widget
  metadata:
    name: gadget
  spec:
    size: 3
    tags: [a, b]
`

const podListYAML = `apiVersion: v1
kind: PodList
items:
- metadata:
    name: inferred
  spec:
    hostNetwork: true
`

const fancyYAML = `apiVersion: v1
kind: ConfigMap
metadata:
  name: fancy
  labels: &labels
    app: fancy
  annotations:
    <<: *labels
    note: >-
      folded
      text
data:
  script: |
    #!/bin/sh
    echo hi
  after: "the block"
`

func TestPositions(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		object int
		ptr    string
		marker string // the line holding it; "" means the field is not in the source
	}{
		{"root", deploymentYAML, 0, "", "apiVersion: apps/v1"},
		{"top-level key", deploymentYAML, 0, "/spec", "spec:"},
		{"nested key", deploymentYAML, 0, "/spec/template/spec/containers/0/securityContext/privileged", "privileged: true"},
		{"list item", deploymentYAML, 0, "/spec/template/spec/containers/1", "name: sidecar"},
		{"key in second list item", deploymentYAML, 0, "/spec/template/spec/containers/1/image", "envoy"},
		{"item on the line after its dash", deploymentYAML, 0, "/spec/template/spec/volumes/0", "name: data"},
		{"flow mapping key", deploymentYAML, 0, "/metadata/labels/tier", "tier: front"},
		{"flow sequence item", deploymentYAML, 0, "/spec/template/spec/containers/0/args/1", `"8080"`},
		{"annotation with slash", deploymentYAML, 0, "/metadata/annotations/strata.dev~1exempt", "strata.dev/exempt"},
		{"annotation with tilde", deploymentYAML, 0, "/metadata/annotations/odd~0key", "odd~key"},
		{"after a blank line", deploymentYAML, 0, "/spec/template", "template:"},
		{"missing field", deploymentYAML, 0, "/spec/template/spec/hostNetwork", ""},
		{"missing index", deploymentYAML, 0, "/spec/template/spec/containers/2", ""},
		{"unescaped slash is another path", deploymentYAML, 0, "/metadata/annotations/strata.dev/exempt", ""},
		{"first of several documents", multiDocYAML, 0, "/metadata/name", "name: first"},
		{"later document", multiDocYAML, 1, "/spec/containers/0/securityContext/runAsUser", "runAsUser: 0"},
		{"later document root", multiDocYAML, 1, "", "apiVersion: v1\nkind: Pod"},
		{"multi-line JSON", jsonStream, 0, "/spec/containers/0/securityContext/privileged", `"privileged": true`},
		{"second JSON object", jsonStream, 1, "/metadata/name", "json-two"},
		{"List item root", listYAML, 0, "", "- apiVersion: v1\n  kind: ConfigMap"},
		{"List item field", listYAML, 0, "/data/mode", "mode: fast"},
		{"second List item", listYAML, 1, "/spec/tags/1", "tags:"},
		{"typed List item", podListYAML, 0, "/spec/hostNetwork", "hostNetwork"},
		{"merged key", fancyYAML, 0, "/metadata/annotations/app", "app: fancy"},
		{"folded scalar", fancyYAML, 0, "/metadata/annotations/note", "note:"},
		{"literal scalar", fancyYAML, 0, "/data/script", "script:"},
		{"after a literal scalar", fancyYAML, 0, "/data/after", "after:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			objs, errs := decodeBoth(t, "in.yaml", tc.input, Options{})
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if tc.object >= len(objs) {
				t.Fatalf("got %d objects, want more than %d", len(objs), tc.object)
			}
			want := 0
			if tc.marker != "" {
				want = firstLineOf(t, tc.input, tc.marker)
			}
			if got := objs[tc.object].Positions.Line(tc.ptr); got != want {
				t.Errorf("Line(%q) = %d, want %d", tc.ptr, got, want)
			}
		})
	}
}

func TestObjectsAndRefs(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []check.Ref
		lines []string // marker of each object's first line
	}{
		{"deployment", deploymentYAML,
			[]check.Ref{{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "prod", Name: "web", UID: "0d6e1f5a-uid"}},
			[]string{"apiVersion: apps/v1"}},
		{"multi-document with empty and comment-only documents", multiDocYAML,
			[]check.Ref{{APIVersion: "v1", Kind: "ServiceAccount", Name: "first"}, {APIVersion: "v1", Kind: "Pod", Name: "second"}},
			[]string{"apiVersion: v1\nkind: ServiceAccount", "apiVersion: v1\nkind: Pod"}},
		{"JSON stream", jsonStream,
			[]check.Ref{{APIVersion: "v1", Kind: "Pod", Name: "json-one"}, {APIVersion: "v1", Kind: "Namespace", Name: "json-two"}},
			[]string{"{", "json-two"}},
		{"List", listYAML,
			[]check.Ref{{APIVersion: "v1", Kind: "ConfigMap", Name: "settings"}, {APIVersion: "example.com/v1", Kind: "Widget", Name: "gadget"}},
			[]string{"- apiVersion: v1\n  kind: ConfigMap", "- apiVersion: example.com/v1"}},
		{"typed List infers item kind", podListYAML,
			[]check.Ref{{APIVersion: "v1", Kind: "Pod", Name: "inferred"}},
			[]string{"- metadata:"}},
		{"null and empty documents", "---\n---\nnull\n---\n~\n---\n# nothing\n", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			objs, errs := decodeBoth(t, "in.yaml", tc.input, Options{})
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if len(objs) != len(tc.want) {
				t.Fatalf("got %d objects, want %d", len(objs), len(tc.want))
			}
			for i, o := range objs {
				if o.Ref != tc.want[i] {
					t.Errorf("object %d: ref %+v, want %+v", i, o.Ref, tc.want[i])
				}
				if want := firstLineOf(t, tc.input, tc.lines[i]); o.Source != (check.Location{File: "in.yaml", Line: want}) {
					t.Errorf("object %d: source %+v, want line %d", i, o.Source, want)
				}
				if o.Meta == nil || o.Meta.GetName() != tc.want[i].Name {
					t.Errorf("object %d: Meta %v does not name %s", i, o.Meta, tc.want[i].Name)
				}
				gvk := o.Obj.GetObjectKind().GroupVersionKind()
				if gvk.GroupVersion().String() != tc.want[i].APIVersion || gvk.Kind != tc.want[i].Kind {
					t.Errorf("object %d: TypeMeta %v, want %s %s", i, gvk, tc.want[i].APIVersion, tc.want[i].Kind)
				}
			}
		})
	}
}

// firstLineOf is lineOf for markers that may span lines: the line where marker starts.
func firstLineOf(t testing.TB, input, marker string) int {
	t.Helper()
	for i := range input {
		if len(input)-i >= len(marker) && input[i:i+len(marker)] == marker {
			n := 1
			for _, c := range input[:i] {
				if c == '\n' {
					n++
				}
			}
			return n
		}
	}
	t.Fatalf("marker %q not in input", marker)
	return 0
}

func TestTypedObjects(t *testing.T) {
	objs, errs := decodeBoth(t, "in.yaml", deploymentYAML+"---\n"+listYAML, Options{})
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	d, ok := objs[0].Obj.(*appsv1.Deployment)
	if !ok {
		t.Fatalf("object 0 is %T, want *appsv1.Deployment", objs[0].Obj)
	}
	c := d.Spec.Template.Spec.Containers[0]
	if c.SecurityContext == nil || c.SecurityContext.Privileged == nil || !*c.SecurityContext.Privileged {
		t.Errorf("privileged not decoded: %+v", c.SecurityContext)
	}
	if d.APIVersion != "apps/v1" || d.Kind != "Deployment" {
		t.Errorf("TypeMeta not kept: %+v", d.TypeMeta)
	}
	if cm, ok := objs[1].Obj.(*corev1.ConfigMap); !ok || cm.Data["mode"] != "fast" || cm.Kind != "ConfigMap" {
		t.Errorf("List item 0 is %#v, want a typed ConfigMap", objs[1].Obj)
	}
	u, ok := objs[2].Obj.(*unstructured.Unstructured)
	if !ok {
		t.Fatalf("unknown kind is %T, want *unstructured.Unstructured", objs[2].Obj)
	}
	size, _, _ := unstructured.NestedInt64(u.Object, "spec", "size")
	if size != 3 || u.GetKind() != "Widget" || u.GetAPIVersion() != "example.com/v1" {
		t.Errorf("unstructured object is %v", u.Object)
	}
}

func TestLocationOfFallsBackToParent(t *testing.T) {
	objs, _ := decodeBoth(t, "in.yaml", deploymentYAML, Options{})
	got := objs[0].LocationOf("/spec/template/spec/containers/1/securityContext/privileged")
	if want := lineOf(t, deploymentYAML, "name: sidecar"); got != (check.Location{File: "in.yaml", Line: want}) {
		t.Errorf("LocationOf = %+v, want line %d", got, want)
	}
}

func TestPositionTableIsCompact(t *testing.T) {
	objs, _ := decodeBoth(t, "in.yaml", deploymentYAML, Options{})
	p, ok := objs[0].Positions.(*positions)
	if !ok {
		t.Fatalf("positions are %T", objs[0].Positions)
	}
	// One entry per key and list item of the document, nothing more.
	if p.Len() != 32 {
		t.Errorf("position table holds %d fields, want 32", p.Len())
	}
}
