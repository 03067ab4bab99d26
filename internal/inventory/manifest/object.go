package manifest

import (
	"errors"
	"reflect"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	sigsjson "sigs.k8s.io/json"

	"github.com/strata-sec/strata/internal/check"
)

// walked is one object of a document: its node, where it starts and what it is. The JSON and
// positions of the object are in the walker's buffers until the next object is walked.
type walked struct {
	node       *yaml.Node
	depth      int
	apiVersion string
	kind       string
}

// objects walks the root node of a document and calls fn for every object it holds: the root
// itself, or each item of a List. An error for one List item is passed to onErr and the other
// items are still walked.
func (w *walker) objects(root *yaml.Node, fn func(walked), onErr func(error)) {
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return // an empty document, or an explicit null, as kubectl skips it
	}
	w.reset()
	if root.Kind != yaml.MappingNode {
		onErr(errAt(root, "a manifest document must be a mapping"))
		return
	}
	w.object(root, 1, "", "", fn, onErr)
}

func (w *walker) reset() {
	w.buf, w.pos = w.buf[:0], w.pos[:0]
}

// object handles one mapping that should be an object; parentAV and parentKind are the
// enclosing List's, for items that leave out their own.
func (w *walker) object(n *yaml.Node, depth int, parentAV, parentKind string, fn func(walked), onErr func(error)) {
	start, err := w.collectMapping(n, depth)
	defer w.release(start)
	if err != nil {
		onErr(err)
		return
	}
	o := walked{node: n, depth: depth}
	o.apiVersion, o.kind, err = w.typeMeta(n, start)
	if err != nil {
		onErr(err)
		return
	}
	// Items of a typed list (a PodList holds Pods) may leave out apiVersion and kind.
	if o.apiVersion == "" && o.kind == "" && parentKind != "List" && strings.HasSuffix(parentKind, "List") {
		o.apiVersion, o.kind = parentAV, strings.TrimSuffix(parentKind, "List")
	}
	if o.apiVersion == "" || o.kind == "" {
		onErr(errAt(n, "object has no apiVersion or kind"))
		return
	}
	if items, ok := w.lookup(start, "items"); ok && strings.HasSuffix(o.kind, "List") {
		w.items(items, depth+2, o.apiVersion, o.kind, fn, onErr)
		return
	}
	w.buf, w.pos = w.buf[:0], w.pos[:0]
	if err := w.emitEntries(start, fnvOffset, depth); err != nil {
		onErr(err)
		return
	}
	fn(o)
}

// items expands the items of a List; each item is an object of its own, positioned relative to
// itself.
func (w *walker) items(e entry, depth int, av, kind string, fn func(walked), onErr func(error)) {
	seq := e.val
	if seq.Kind == yaml.AliasNode {
		seq = seq.Alias
	}
	if seq == nil || seq.Kind == yaml.ScalarNode && seq.Tag == "!!null" {
		return
	}
	if seq.Kind != yaml.SequenceNode {
		onErr(errAt(e.val, "the items of a %s must be a sequence", kind))
		return
	}
	if depth >= w.maxDepth {
		onErr(errAt(seq, "nesting deeper than %d levels", w.maxDepth))
		return
	}
	for _, item := range seq.Content {
		w.item(item, e.aliased || e.val.Kind == yaml.AliasNode, depth, av, kind, fn, onErr)
	}
}

// item walks one List item. An item that is, or sits in, an alias is charged to the alias
// budget node by node, like any other alias expansion.
func (w *walker) item(item *yaml.Node, aliased bool, depth int, av, kind string, fn func(walked), onErr func(error)) {
	if item.Kind == yaml.AliasNode && item.Alias != nil {
		item, aliased = item.Alias, true
	}
	if aliased {
		w.inAlias++
		defer func() { w.inAlias-- }()
		if err := w.charge(item); err != nil {
			onErr(err)
			return
		}
	}
	if item.Kind != yaml.MappingNode {
		onErr(errAt(item, "a %s item must be a mapping", kind))
		return
	}
	w.reset()
	w.object(item, depth, av, kind, fn, onErr)
}

// lookup returns the entry for key in the region starting at start.
func (w *walker) lookup(start int, key string) (entry, bool) {
	for i := start; i < len(w.ents); i++ {
		if w.ents[i].key == key {
			return w.ents[i], true
		}
	}
	return entry{}, false
}

// typeMeta reads apiVersion and kind; either may be missing (empty), but not of another type.
func (w *walker) typeMeta(n *yaml.Node, start int) (apiVersion, kind string, err error) {
	for _, f := range []struct {
		key string
		out *string
	}{{"apiVersion", &apiVersion}, {"kind", &kind}} {
		e, ok := w.lookup(start, f.key)
		if !ok {
			continue
		}
		v := e.val
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		s, err := resolveNode(v)
		if v.Kind != yaml.ScalarNode || err != nil || s.kind != kindString {
			return "", "", errAt(v, "%s must be a string", f.key)
		}
		*f.out = s.s
	}
	return apiVersion, kind, nil
}

// decodeTyped decodes JSON into the object the scheme has for its kind, or into Unstructured for kinds
// the scheme does not know. Decoding is case-sensitive, as the API server's is, so a field
// spelled "Privileged" is ignored here exactly as it is there.
func decodeTyped(data []byte, apiVersion, kind string) (runtime.Object, error) {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return nil, errors.New("invalid apiVersion: want group/version or version")
	}
	gvk := gv.WithKind(kind)
	obj, err := newTyped(gvk, scheme.Scheme)
	var unsupported *unsupportedVersionError
	if errors.As(err, &unsupported) {
		return nil, err
	}
	if err != nil {
		m := map[string]any{}
		if err := sigsjson.UnmarshalCaseSensitivePreserveInts(data, &m); err != nil {
			return nil, err
		}
		u := &unstructured.Unstructured{Object: m}
		u.SetAPIVersion(apiVersion)
		u.SetKind(kind)
		return u, nil
	}
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(data, obj); err != nil {
		return nil, err
	}
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	return obj, nil
}

// jsonErrorOffset returns the offset in the JSON input at which decoding failed. sigs.k8s.io/json
// returns its own copies of encoding/json's error types from an internal package, so the Offset
// field is read by name.
func jsonErrorOffset(err error) (int, bool) {
	if ok, off := sigsjson.SyntaxErrorOffset(err); ok {
		return int(off), true
	}
	v := reflect.ValueOf(err)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return 0, false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return 0, false
	}
	if f := v.FieldByName("Offset"); f.IsValid() && f.CanInt() {
		return int(f.Int()), true
	}
	return 0, false
}

// fieldLine walks the object again, remembering which value starts just before offset in its
// JSON, and returns that value's line, or 0.
func (w *walker) fieldLine(o walked, offset int) int {
	budget, limit := w.aliases, w.limit
	defer func() { w.aliases = budget }()
	w.aliases = newBudget(limit)
	w.trackOff, w.trackLine = offset, 0
	defer func() { w.trackOff = -1 }()
	w.reset()
	start, err := w.collectMapping(o.node, o.depth)
	defer w.release(start)
	if err == nil {
		_ = w.emitEntries(start, fnvOffset, o.depth)
	}
	return w.trackLine
}

// newObject wraps a decoded object with its reference and source.
func newObject(obj runtime.Object, loc check.Location, pos check.Positions) *check.Object {
	scrub(obj)
	gvk := obj.GetObjectKind().GroupVersionKind()
	o := &check.Object{Obj: obj, Source: loc, Positions: pos}
	o.Ref = check.Ref{APIVersion: gvk.GroupVersion().String(), Kind: gvk.Kind}
	if m, ok := obj.(metav1.Object); ok {
		o.Meta = m
		o.Ref.Namespace, o.Ref.Name, o.Ref.UID = m.GetNamespace(), m.GetName(), string(m.GetUID())
	}
	return o
}

// scrub drops what strata must never hold: Secret values, and the copies of whole objects that
// kubectl keeps in last-applied-configuration and managedFields. A Secret is metadata only from
// here on, exactly as in live mode.
func scrub(obj runtime.Object) {
	if s, ok := obj.(*corev1.Secret); ok {
		s.Data, s.StringData = nil, nil
	}
	if u, ok := obj.(*unstructured.Unstructured); ok && u.GetKind() == "Secret" && u.GroupVersionKind().Group == "" {
		unstructured.RemoveNestedField(u.Object, "data")
		unstructured.RemoveNestedField(u.Object, "stringData")
	}
	m, ok := obj.(metav1.Object)
	if !ok {
		return
	}
	m.SetManagedFields(nil)
	if ann := m.GetAnnotations(); ann != nil {
		if _, ok := ann[corev1.LastAppliedConfigAnnotation]; ok {
			delete(ann, corev1.LastAppliedConfigAnnotation)
			m.SetAnnotations(ann)
		}
	}
}
