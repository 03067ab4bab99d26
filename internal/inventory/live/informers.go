package live

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"

	"github.com/strata-sec/strata/internal/check"
)

// Change is one object change an informer saw: the object as it is now, or a deletion
// (Object nil). Changes of one object arrive in order; across objects there is no order.
type Change struct {
	Kind            schema.GroupKind
	Namespace, Name string
	// Object is the scrubbed object; nil when it was deleted.
	Object *check.Object
}

// KindState is what Informers can say about one watched kind.
type KindState struct {
	Kind schema.GroupKind
	// Synced is set once every informer of the kind has listed it.
	Synced bool
	// Denied is why the kind (or part of it) cannot be read; see Informers.Denied.
	Denied string
	// Error is the last list or watch error, cleared by the next successful list or watch.
	Error string
}

// Informers keeps shared informers on exactly the kinds of Options.Kinds, with the one-shot
// loader's rules: discovery picks the version and decoding, a kind that is not served or may
// not be listed is denied with the reason (and never watched), Secrets are watched as metadata
// only, managedFields and last-applied-configuration are dropped before anything keeps an
// object, and excluded namespaces are filtered out. Every change is handed to the sink.
type Informers struct {
	l       *loader
	timeout time.Duration
	kinds   []*kindInformer
	sink    func(Change)
}

// kindInformer is the informers of one kind: one per scope (namespace) it is read in.
type kindInformer struct {
	t      *target
	scopes []*scopeInformer
	denied string
}

type scopeInformer struct {
	scope listScope
	inf   cache.SharedIndexInformer
	// reg is the sink's handler: synced once the sink has seen every object of the first list,
	// which the informer's own HasSynced does not promise.
	reg cache.ResourceEventHandlerRegistration

	mu  sync.Mutex
	err string
}

// listScope is where one informer lists: a namespace ("" for all), optionally narrowed by a
// field selector (the Namespace objects of a restricted watch, one by name).
type listScope struct {
	namespace     string
	fieldSelector string
}

// StartInformers discovers the kinds of opts, checks that each may be listed, and starts the
// informers, which run until ctx is done. It returns once they are started; HasSynced says
// when they have listed everything. An unreachable server or failed discovery is an error.
// sink is called from the informers' goroutines, concurrently, and must not block for long.
func StartInformers(ctx context.Context, cfg *rest.Config, opts Options, sink func(Change)) (*Informers, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	// Watches are long requests: a client-wide timeout would cut every one of them. The timeout
	// bounds each list and discovery request through its context instead.
	timeout := cmp.Or(opts.RequestTimeout, cfg.Timeout, 30*time.Second)
	cfg = rest.CopyConfig(cfg)
	cfg.Timeout = 0
	opts.RequestTimeout = 0
	l, err := newLoader(cfg, opts)
	if err != nil {
		return nil, err
	}
	in := &Informers{l: l, timeout: timeout, sink: sink}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if _, err := l.clusterInfo(tctx); err != nil {
		return nil, err
	}
	targets, err := l.plan(tctx)
	if err != nil {
		return nil, err
	}
	for _, t := range targets {
		k, err := in.newKind(ctx, t)
		if err != nil {
			return nil, err
		}
		if k.denied != "" {
			l.deny(t.gk, k.denied)
		}
		if len(k.scopes) > 0 {
			in.kinds = append(in.kinds, k)
		}
	}
	for _, k := range in.kinds {
		for _, s := range k.scopes {
			go s.inf.RunWithContext(ctx)
		}
	}
	return in, nil
}

// newKind checks every scope of t with a one-item list: a forbidden scope is denied, as the
// one-shot loader would, and gets no informer (it would retry a refused list forever).
func (in *Informers) newKind(ctx context.Context, t *target) (*kindInformer, error) {
	k := &kindInformer{t: t}
	for _, sc := range in.scopes(t) {
		lw := in.listWatch(t, sc)
		tctx, cancel := context.WithTimeout(ctx, in.timeout)
		_, err := lw.ListWithContext(tctx, metav1.ListOptions{Limit: 1, FieldSelector: sc.fieldSelector})
		cancel()
		if err != nil {
			verb, ns := "list", sc.namespace
			reason, ok := denyReason(err, t, verb, ns)
			if !ok {
				return nil, fmt.Errorf("list %s%s on %s: %w", t.resource(), inNamespace(ns), in.l.cfg.Host, err)
			}
			k.denied = joinReason(k.denied, reason)
			continue
		}
		s := &scopeInformer{scope: sc}
		s.inf = cache.NewSharedIndexInformerWithOptions(s.tracking(lw), exampleObject(t),
			cache.SharedIndexInformerOptions{ObjectDescription: t.resource()})
		if err := s.inf.SetTransform(in.transform(t)); err != nil {
			return nil, err
		}
		if err := s.inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) {
			s.setErr(err)
			in.l.opts.Logger.Warn("list/watch failed", "resource", t.resource(), "namespace", sc.namespace, "err", err)
		}); err != nil {
			return nil, err
		}
		if s.reg, err = s.inf.AddEventHandler(in.handler(t)); err != nil {
			return nil, err
		}
		k.scopes = append(k.scopes, s)
	}
	return k, nil
}

// scopes are the informers a kind needs: one cluster-wide, or one per namespace of a restricted
// watch (the Namespace kind then watches each namespace object by name).
func (in *Informers) scopes(t *target) []listScope {
	nss := in.l.opts.Namespaces
	switch {
	case len(nss) == 0:
		return []listScope{{}}
	case t.gk == namespaceKind:
		var out []listScope
		for _, ns := range nss {
			out = append(out, listScope{fieldSelector: fields.OneTermEqualSelector("metadata.name", ns).String()})
		}
		return out
	case t.namespaced:
		var out []listScope
		for _, ns := range nss {
			out = append(out, listScope{namespace: ns})
		}
		return out
	}
	return []listScope{{}}
}

// listWatch lists and watches one scope with the client the kind's mode calls for; the Secrets
// of metadataOnly go through the metadata client, behind the loader's secret guard.
func (in *Informers) listWatch(t *target, sc listScope) *cache.ListWatch {
	timeout := in.timeout
	withScope := func(o metav1.ListOptions) metav1.ListOptions {
		if sc.fieldSelector != "" {
			o.FieldSelector = sc.fieldSelector
		}
		return o
	}
	list := in.l.pageFunc(t, sc.namespace)
	var watchFn cache.WatchFuncWithContext
	switch t.mode {
	case metadataOnly:
		c := in.l.meta.Resource(t.gvr).Namespace(sc.namespace)
		watchFn = func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			return c.Watch(ctx, withScope(o))
		}
	case unstructuredMode:
		c := in.l.dyn.Resource(t.gvr).Namespace(sc.namespace)
		watchFn = func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			return c.Watch(ctx, withScope(o))
		}
	default:
		c := in.l.typed[t.gvr.GroupVersion()]
		watchFn = func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o = withScope(o)
			o.Watch = true
			return c.Get().NamespaceIfScoped(sc.namespace, sc.namespace != "").Resource(t.gvr.Resource).
				VersionedParams(&o, scheme.ParameterCodec).Watch(ctx)
		}
	}
	return &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			return list(ctx, withScope(o))
		},
		WatchFuncWithContext: watchFn,
	}
}

// tracking wraps lw so that a successful list or watch clears the scope's last error: the
// reflector reports failures but not recoveries.
func (s *scopeInformer) tracking(lw *cache.ListWatch) *cache.ListWatch {
	return &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			obj, err := lw.ListWithContext(ctx, o)
			s.record(err)
			return obj, err
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			w, err := lw.WatchWithContext(ctx, o)
			s.record(err)
			return w, err
		},
	}
}

func (s *scopeInformer) record(err error) { s.setErr(err) }

func (s *scopeInformer) setErr(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		s.err = ""
		return
	}
	s.err = err.Error()
}

func (s *scopeInformer) lastErr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// exampleObject is the type the informer's watch events decode into, before the transform.
func exampleObject(t *target) runtime.Object {
	switch t.mode {
	case metadataOnly:
		return &metav1.PartialObjectMetadata{}
	case unstructuredMode:
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(t.gvk)
		return u
	}
	obj, err := scheme.Scheme.New(t.gvk)
	if err != nil {
		// plan only picks typed mode for kinds the scheme recognises.
		return &unstructured.Unstructured{}
	}
	return obj
}

// entry is what the informers' caches hold: the scrubbed check.Object, so that neither the
// managedFields nor a second copy of each object is ever kept. It satisfies what the cache
// needs of an object: runtime.Object and metadata for the key.
type entry struct{ o *check.Object }

func (e *entry) GetObjectKind() schema.ObjectKind { return e.o.Obj.GetObjectKind() }
func (e *entry) GetObjectMeta() metav1.Object     { return e.o.Meta }

func (e *entry) DeepCopyObject() runtime.Object {
	o := *e.o
	o.Obj = e.o.Obj.DeepCopyObject()
	if m, err := meta.Accessor(o.Obj); err == nil {
		o.Meta = m
	}
	return &entry{o: &o}
}

// transform turns what the watch decoded into an entry; it must be idempotent, since the
// informer may pass it objects it already transformed.
func (in *Informers) transform(t *target) cache.TransformFunc {
	return func(obj any) (any, error) {
		switch v := obj.(type) {
		case *entry, cache.DeletedFinalStateUnknown:
			return v, nil
		case runtime.Object:
			o, err := in.l.toObject(t, v)
			if err != nil {
				return nil, err
			}
			return &entry{o: o}, nil
		}
		return nil, fmt.Errorf("watch %s: unexpected %T", t.resource(), obj)
	}
}

// handler forwards informer notifications to the sink, leaving out excluded namespaces and
// updates that change nothing (a relist redelivers every object with its resourceVersion).
func (in *Informers) handler(t *target) cache.ResourceEventHandler {
	send := func(obj any, deleted bool) {
		var ns, name string
		var o *check.Object
		switch v := obj.(type) {
		case *entry:
			o, ns, name = v.o, v.o.Ref.Namespace, v.o.Ref.Name
		case cache.DeletedFinalStateUnknown:
			// The object was deleted while the watch was down; the relist noticed it gone.
			if e, ok := v.Obj.(*entry); ok {
				o = e.o
			}
			var err error
			if ns, name, err = cache.SplitMetaNamespaceKey(v.Key); err != nil {
				in.l.opts.Logger.Warn("bad informer key", "resource", t.resource(), "key", v.Key)
				return
			}
		default:
			return
		}
		if o != nil && !in.l.keep(o) {
			return
		}
		if o == nil && !in.l.keep(&check.Object{Ref: check.Ref{APIVersion: t.gvk.GroupVersion().String(), Kind: t.gk.Kind, Namespace: ns, Name: name}}) {
			return
		}
		c := Change{Kind: t.gk, Namespace: ns, Name: name}
		if !deleted {
			c.Object = o
		}
		in.sink(c)
	}
	return cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) { send(obj, false) },
		UpdateFunc: func(old, cur any) {
			a, okA := old.(*entry)
			b, okB := cur.(*entry)
			if okA && okB && a.o.Meta.GetResourceVersion() == b.o.Meta.GetResourceVersion() {
				return
			}
			send(cur, false)
		},
		DeleteFunc: func(obj any) { send(obj, true) },
	}
}

// HasSynced reports whether every informer has completed its first list.
func (in *Informers) HasSynced() bool {
	for _, k := range in.kinds {
		for _, s := range k.scopes {
			if !s.reg.HasSynced() {
				return false
			}
		}
	}
	return true
}

// Denied maps each kind that cannot be (fully) read to the reason; the caller marks them
// on its inventory so their checks are not assessed.
func (in *Informers) Denied() map[schema.GroupKind]string {
	out := map[schema.GroupKind]string{}
	for gk, reason := range in.l.denied {
		out[gk] = reason
	}
	return out
}

// States describes every needed kind, watched or denied, in the order of Options.Kinds.
func (in *Informers) States() []KindState {
	byKind := map[schema.GroupKind]*kindInformer{}
	for _, k := range in.kinds {
		byKind[k.t.gk] = k
	}
	var out []KindState
	for _, gk := range in.l.opts.Kinds {
		st := KindState{Kind: gk, Denied: in.l.denied[gk], Synced: true}
		if k, ok := byKind[gk]; ok {
			for _, s := range k.scopes {
				st.Synced = st.Synced && s.reg.HasSynced()
				if e := s.lastErr(); e != "" && st.Error == "" {
					st.Error = e
				}
			}
		} else if gk == check.ClusterInfoKind {
			continue
		}
		out = append(out, st)
	}
	return out
}

// ClusterInfo reads the server version again and, when the checks read ClusterInfo, repeats
// the anonymous probes. It is the synthetic object a full resync refreshes.
func (in *Informers) ClusterInfo(ctx context.Context) (*check.Object, error) {
	tctx, cancel := context.WithTimeout(ctx, in.timeout)
	defer cancel()
	info, err := in.l.clusterInfo(tctx)
	if err != nil {
		return nil, err
	}
	if slices.Contains(in.l.opts.Kinds, check.ClusterInfoKind) {
		info.Anonymous = in.l.probeAnonymous(ctx)
	}
	return infoObject(info), nil
}
