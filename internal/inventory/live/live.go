package live

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"path"
	"slices"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory"
)

// Defaults for Options left at zero.
const (
	DefaultQPS         = 50
	DefaultBurst       = 100
	DefaultPageSize    = 500
	DefaultConcurrency = 4
)

// namespaceKind is listed by every live scan: exclusions and namespace-level checks need it.
var namespaceKind = schema.GroupKind{Kind: "Namespace"}

// Options configures one load.
type Options struct {
	// Kinds are the kinds to list: the union of the selected checks' inputs. Namespace is always
	// added. check.ClusterInfoKind in Kinds turns on the anonymous-access probes.
	Kinds []schema.GroupKind
	// Namespaces restricts namespaced kinds to these namespaces; empty means every namespace.
	Namespaces []string
	// ExcludeNamespaces drops objects in namespaces matching these path.Match patterns, and the
	// matching Namespace objects themselves.
	ExcludeNamespaces []string
	// QPS and Burst bound the request rate of the whole load (defaults 50 and 100).
	QPS   float32
	Burst int
	// RequestTimeout bounds each request; zero keeps the rest.Config's own timeout.
	RequestTimeout time.Duration
	// PageSize is the number of objects per list request (default 500).
	PageSize int64
	// Concurrency is how many kinds are listed at once (default 4).
	Concurrency int
	// Progress, when set, is called after every page with the resource being listed ("pods")
	// and how many of its objects were listed so far. Calls never overlap.
	Progress func(resource string, listed int)
	// Logger receives one record per kind listed or denied; nil discards them.
	Logger *slog.Logger
}

// Result is a loaded cluster inventory.
type Result struct {
	// Objects are the listed objects in kind, namespace and name order, then the ClusterInfo.
	Objects []*check.Object
	// Denied maps each needed kind that could not be read to the reason.
	Denied map[schema.GroupKind]string
	// Info is the ClusterInfo object also found in Objects.
	Info *check.ClusterInfo
}

// Index returns the inventory checks read, with the denied kinds marked not assessable.
func (r *Result) Index() *inventory.Index {
	ix := inventory.NewIndex(r.Objects)
	for gk, reason := range r.Denied {
		ix.Deny(gk, reason)
	}
	return ix
}

// Load reads the objects of the kinds in opts from the cluster cfg points at. A kind that is not
// served or that the caller may not list is recorded in Result.Denied; every other failure,
// starting with an unreachable server, is an error.
func Load(ctx context.Context, cfg *rest.Config, opts Options) (*Result, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	l, err := newLoader(cfg, opts)
	if err != nil {
		return nil, err
	}
	info, err := l.clusterInfo(ctx)
	if err != nil {
		return nil, err
	}
	targets, err := l.plan(ctx)
	if err != nil {
		return nil, err
	}
	results, err := l.listAll(ctx, targets)
	if err != nil {
		return nil, err
	}
	if slices.Contains(opts.Kinds, check.ClusterInfoKind) {
		info.Anonymous = l.probeAnonymous(ctx)
	}
	return l.assemble(targets, results, info), nil
}

func (o Options) withDefaults() Options {
	o.QPS = cmp.Or(o.QPS, DefaultQPS)
	o.Burst = cmp.Or(o.Burst, DefaultBurst)
	o.PageSize = cmp.Or(o.PageSize, DefaultPageSize)
	o.Concurrency = cmp.Or(o.Concurrency, DefaultConcurrency)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	kinds := []schema.GroupKind{namespaceKind}
	for _, gk := range o.Kinds {
		if !slices.Contains(kinds, gk) {
			kinds = append(kinds, gk)
		}
	}
	o.Kinds = kinds
	// A namespace named twice would be listed twice.
	o.Namespaces = slices.Compact(slices.Sorted(slices.Values(o.Namespaces)))
	if o.Progress != nil {
		var mu sync.Mutex
		progress := o.Progress
		o.Progress = func(resource string, listed int) {
			mu.Lock()
			defer mu.Unlock()
			progress(resource, listed)
		}
	}
	return o
}

func (o Options) validate() error {
	for _, p := range o.ExcludeNamespaces {
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Errorf("exclude namespaces: bad pattern %q: %w", p, err)
		}
	}
	if o.QPS < 0 || o.Burst < 0 || o.PageSize < 0 || o.Concurrency < 0 || o.RequestTimeout < 0 {
		return fmt.Errorf("qps, burst, page size, concurrency and request timeout must not be negative")
	}
	return nil
}

// excluded reports whether objects in namespace ns are left out of the scan.
func (o Options) excluded(ns string) bool {
	if ns == "" {
		return false
	}
	if len(o.Namespaces) > 0 && !slices.Contains(o.Namespaces, ns) {
		return true
	}
	for _, p := range o.ExcludeNamespaces {
		if ok, _ := path.Match(p, ns); ok {
			return true
		}
	}
	return false
}

// kindResult is what listing one target produced.
type kindResult struct {
	objects []*check.Object
	// denied is the reason the kind could not be (fully) read; empty when it was.
	denied string
}

// assemble orders the objects by kind (in plan order), namespace and name, and adds ClusterInfo.
func (l *loader) assemble(targets []*target, results []kindResult, info *check.ClusterInfo) *Result {
	res := &Result{Denied: map[schema.GroupKind]string{}, Info: info}
	for gk, reason := range l.denied {
		res.Denied[gk] = reason
	}
	for i, t := range targets {
		objs := results[i].objects
		slices.SortFunc(objs, func(a, b *check.Object) int {
			return cmp.Or(cmp.Compare(a.Ref.Namespace, b.Ref.Namespace), cmp.Compare(a.Ref.Name, b.Ref.Name))
		})
		res.Objects = append(res.Objects, objs...)
		if results[i].denied != "" {
			res.Denied[t.gk] = results[i].denied
		}
	}
	res.Objects = append(res.Objects, infoObject(info))
	return res
}

func infoObject(info *check.ClusterInfo) *check.Object {
	return &check.Object{
		Ref:  check.Ref{APIVersion: info.APIVersion, Kind: info.Kind, Name: info.Name},
		Obj:  info,
		Meta: &info.ObjectMeta,
	}
}

// isSecret reports whether gk is the core Secret kind, which is only ever listed as metadata.
func isSecret(gk schema.GroupKind) bool {
	return gk == schema.GroupKind{Kind: "Secret"}
}
