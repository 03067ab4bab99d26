package live

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/pager"

	"github.com/strata-sec/strata/internal/check"
)

// listAll lists the targets, Concurrency at a time. The first error cancels the others.
// Namespaces come first, alone: a namespace named on the command line that does not exist is
// then always the error reported, whatever else would have failed.
func (l *loader) listAll(ctx context.Context, targets []*target) ([]kindResult, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	results := make([]kindResult, len(targets))
	first := 0
	if len(targets) > 0 && targets[0].gk == namespaceKind {
		r, err := l.listKind(ctx, targets[0])
		if err != nil {
			return nil, err
		}
		results[0], first = r, 1
	}
	sem := make(chan struct{}, l.opts.Concurrency)
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	for i, t := range targets[first:] {
		i += first
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			r, err := l.listKind(ctx, t)
			if err != nil {
				once.Do(func() { firstErr = err; cancel(err) })
				return
			}
			results[i] = r
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list cluster objects: %w", err)
	}
	return results, nil
}

// listKind lists one kind: cluster-wide, or namespace by namespace when the scan is restricted.
func (l *loader) listKind(ctx context.Context, t *target) (kindResult, error) {
	start := time.Now()
	if t.gk == namespaceKind && len(l.opts.Namespaces) > 0 {
		return l.getNamespaces(ctx, t)
	}
	scopes := []string{""}
	if t.namespaced && len(l.opts.Namespaces) > 0 {
		scopes = l.opts.Namespaces
	}
	var res kindResult
	listed := 0
	for _, ns := range scopes {
		objs, err := l.listScope(ctx, t, ns, &listed)
		if err != nil {
			reason, ok := denyReason(err, t, "list", ns)
			if !ok {
				return res, fmt.Errorf("list %s%s on %s: %w", t.resource(), inNamespace(ns), l.cfg.Host, err)
			}
			res.denied = joinReason(res.denied, reason)
			l.opts.Logger.Info("kind not assessed", "kind", t.gk.String(), "reason", reason)
			continue
		}
		res.objects = append(res.objects, objs...)
	}
	l.opts.Logger.Debug("kind listed", "resource", t.resource(), "version", t.gvk.Version,
		"listed", listed, "kept", len(res.objects), "took", time.Since(start).Round(time.Millisecond))
	return res, nil
}

// listScope lists one kind in one namespace ("" for all) in pages. When a continue token
// expires (410 Gone: the server compacted the snapshot the pages were read from) the pager
// drops the pages it has and lists the whole kind again from scratch in one request, so the
// result is never a mix of two snapshots.
func (l *loader) listScope(ctx context.Context, t *target, ns string, listed *int) ([]*check.Object, error) {
	base := *listed
	page := l.pageFunc(t, ns)
	p := pager.New(func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		if opts.Continue == "" {
			*listed = base // a first page, or the relist after an expired token
		}
		obj, err := page(ctx, opts)
		if err != nil {
			return nil, err
		}
		*listed += meta.LenList(obj)
		if l.opts.Progress != nil {
			l.opts.Progress(t.gvr.Resource, *listed)
		}
		return obj, nil
	})
	p.PageSize = l.opts.PageSize
	p.FullListIfExpired = true
	list, _, err := p.List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	var objs []*check.Object
	err = meta.EachListItem(list, func(item runtime.Object) error {
		o, err := l.toObject(t, item)
		if err != nil {
			return err
		}
		if l.keep(o) {
			objs = append(objs, o)
		}
		return nil
	})
	return objs, err
}

func (l *loader) pageFunc(t *target, ns string) pager.ListPageFunc {
	switch t.mode {
	case metadataOnly:
		c := l.meta.Resource(t.gvr).Namespace(ns)
		return func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			return c.List(ctx, opts)
		}
	case unstructuredMode:
		c := l.dyn.Resource(t.gvr).Namespace(ns)
		return func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			return c.List(ctx, opts)
		}
	default:
		c := l.typed[t.gvr.GroupVersion()]
		return func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			return c.Get().NamespaceIfScoped(ns, ns != "").Resource(t.gvr.Resource).
				VersionedParams(&opts, scheme.ParameterCodec).Do(ctx).Get()
		}
	}
}

// getNamespaces reads the Namespace objects of a restricted scan one by one: a caller limited
// to a few namespaces may get them without being allowed to list every namespace.
func (l *loader) getNamespaces(ctx context.Context, t *target) (kindResult, error) {
	var res kindResult
	c := l.typed[t.gvr.GroupVersion()]
	for _, ns := range l.opts.Namespaces {
		obj, err := c.Get().Resource(t.gvr.Resource).Name(ns).Do(ctx).Get()
		switch {
		case apierrors.IsNotFound(err):
			return res, fmt.Errorf("namespace %q not found on %s", ns, l.cfg.Host)
		case err != nil:
			reason, ok := denyReason(err, t, "get", ns)
			if !ok {
				return res, fmt.Errorf("get namespace %q on %s: %w", ns, l.cfg.Host, err)
			}
			res.denied = joinReason(res.denied, reason)
			continue
		}
		if l.opts.Progress != nil {
			l.opts.Progress(t.gvr.Resource, len(res.objects)+1)
		}
		o, err := l.toObject(t, obj)
		if err != nil {
			return res, err
		}
		if l.keep(o) {
			res.objects = append(res.objects, o)
		}
	}
	return res, nil
}

// toObject turns a listed item into a check.Object with its type set, scrubbed of what strata
// must not hold.
func (l *loader) toObject(t *target, item runtime.Object) (*check.Object, error) {
	if t.mode == metadataOnly {
		pom, ok := item.(*metav1.PartialObjectMetadata)
		if !ok {
			return nil, fmt.Errorf("list %s: expected object metadata, got %T", t.resource(), item)
		}
		// The Secret holds nothing but metadata; its type is not in the metadata and stays empty.
		item = &corev1.Secret{ObjectMeta: pom.ObjectMeta}
	}
	// Items of typed lists arrive without apiVersion and kind; checks and reports need them.
	item.GetObjectKind().SetGroupVersionKind(t.gvk)
	m, err := meta.Accessor(item)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", t.resource(), err)
	}
	// The manager is read before scrub drops the managedFields it comes from.
	manager := latestManager(m)
	scrub(m)
	return &check.Object{
		Ref: check.Ref{APIVersion: t.gvk.GroupVersion().String(), Kind: t.gvk.Kind,
			Namespace: m.GetNamespace(), Name: m.GetName(), UID: string(m.GetUID())},
		Obj:     item,
		Meta:    m,
		Manager: manager,
	}, nil
}

// keep applies the namespace restriction and exclusions to an object; a Namespace object is
// judged by its own name.
func (l *loader) keep(o *check.Object) bool {
	ns := o.Ref.Namespace
	if o.Ref.GroupKind() == namespaceKind {
		ns = o.Ref.Name
	}
	return !l.opts.excluded(ns)
}

// scrub drops the copies of whole objects the API server keeps in metadata: managedFields and
// kubectl's last-applied-configuration, which for a Secret applied with kubectl holds its data.
func scrub(m metav1.Object) {
	m.SetManagedFields(nil)
	if ann := m.GetAnnotations(); ann != nil {
		if _, ok := ann[corev1.LastAppliedConfigAnnotation]; ok {
			delete(ann, corev1.LastAppliedConfigAnnotation)
			m.SetAnnotations(ann)
		}
	}
}

var forbiddenUser = regexp.MustCompile(`User "([^"]*)"`)

// denyReason turns the errors that mean "cannot look at this kind" into the reason checks will
// be not assessed with; ok is false for every other error.
func denyReason(err error, t *target, verb, ns string) (reason string, ok bool) {
	switch {
	case apierrors.IsForbidden(err):
		who := "the current user"
		if m := forbiddenUser.FindStringSubmatch(err.Error()); m != nil {
			who = fmt.Sprintf("user %q", m[1])
		}
		what := t.resource()
		if verb == "get" {
			what += "/" + ns
			ns = ""
		}
		return fmt.Sprintf("forbidden: %s cannot %s %s%s", who, verb, what, inNamespace(ns)), true
	case apierrors.IsNotFound(err):
		return notServed, true
	case t.mode == metadataOnly && apierrors.IsNotAcceptable(err):
		return "the API server cannot list Secrets as metadata only, and strata never reads Secret data", true
	}
	return "", false
}

func inNamespace(ns string) string {
	if ns == "" {
		return ""
	}
	return fmt.Sprintf(" in namespace %q", ns)
}

func joinReason(have, add string) string {
	switch {
	case have == "":
		return add
	case strings.Contains(have, add):
		return have
	}
	return have + "; " + add
}

// latestManager is the field manager of the most recent managedFields entry: who made the
// object what it is now. Entries without a time count as oldest; among equal times the last
// entry wins, as the API server appends.
func latestManager(m metav1.Object) string {
	var who string
	var when time.Time
	for _, e := range m.GetManagedFields() {
		t := time.Time{}
		if e.Time != nil {
			t = e.Time.Time
		}
		if who == "" || !t.Before(when) {
			who, when = e.Manager, t
		}
	}
	return who
}
