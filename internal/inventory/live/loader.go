package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/flowcontrol"

	"github.com/strata-sec/strata/internal/check"
)

// notServed is the reason recorded for a needed kind the API server does not serve.
const notServed = "not served by the API server"

// mode is how a kind is listed.
type mode int

const (
	// typed decodes into the k8s.io/api structs of client-go's scheme.
	typed mode = iota
	// metadataOnly lists PartialObjectMetadata: the only way strata reads Secrets.
	metadataOnly
	// unstructuredMode keeps kinds the scheme does not know (custom resources) as unstructured,
	// through the dynamic client.
	unstructuredMode
)

// target is one kind to list and how.
type target struct {
	gk         schema.GroupKind
	gvk        schema.GroupVersionKind
	gvr        schema.GroupVersionResource
	namespaced bool
	mode       mode
}

// resource names the kind's resource as RBAC does: "pods", "deployments.apps".
func (t *target) resource() string {
	return t.gvr.GroupResource().String()
}

type loader struct {
	opts   Options
	cfg    *rest.Config
	disc   *discovery.DiscoveryClient
	meta   metadata.Interface
	dyn    *dynamic.DynamicClient
	typed  map[schema.GroupVersion]*rest.RESTClient
	http   *http.Client
	denied map[schema.GroupKind]string
}

func newLoader(in *rest.Config, opts Options) (*loader, error) {
	cfg := rest.CopyConfig(in)
	cfg.QPS, cfg.Burst = opts.QPS, opts.Burst
	// One limiter for every client, so QPS bounds the whole load and not each API group.
	cfg.RateLimiter = flowcontrol.NewTokenBucketRateLimiter(opts.QPS, opts.Burst)
	if opts.RequestTimeout > 0 {
		cfg.Timeout = opts.RequestTimeout
	}
	cfg.WarningHandler = nil
	cfg.WarningHandlerWithContext = warningLogger{opts.Logger}
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return secretGuard{rt} })
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("configure the client for %s: %w", cfg.Host, err)
	}
	l := &loader{opts: opts, cfg: cfg, http: hc, typed: map[schema.GroupVersion]*rest.RESTClient{}, denied: map[schema.GroupKind]string{}}
	if l.disc, err = discovery.NewDiscoveryClientForConfigAndClient(cfg, hc); err != nil {
		return nil, fmt.Errorf("configure discovery for %s: %w", cfg.Host, err)
	}
	if l.meta, err = metadata.NewForConfigAndClient(cfg, hc); err != nil {
		return nil, fmt.Errorf("configure the metadata client for %s: %w", cfg.Host, err)
	}
	if l.dyn, err = dynamic.NewForConfigAndClient(cfg, hc); err != nil {
		return nil, fmt.Errorf("configure the dynamic client for %s: %w", cfg.Host, err)
	}
	return l, nil
}

// typedClient returns a REST client for gv that decodes into client-go's scheme. It asks for
// protobuf, which built-in kinds decode from several times faster than JSON.
func (l *loader) typedClient(gv schema.GroupVersion) (*rest.RESTClient, error) {
	if c, ok := l.typed[gv]; ok {
		return c, nil
	}
	cfg := rest.CopyConfig(l.cfg)
	cfg.GroupVersion = &gv
	cfg.APIPath = "/apis"
	if gv.Group == "" {
		cfg.APIPath = "/api"
	}
	cfg.NegotiatedSerializer = scheme.Codecs.WithoutConversion()
	cfg.ContentType = runtime.ContentTypeProtobuf
	cfg.AcceptContentTypes = runtime.ContentTypeProtobuf + "," + runtime.ContentTypeJSON
	c, err := rest.RESTClientForConfigAndClient(cfg, l.http)
	if err != nil {
		return nil, fmt.Errorf("configure the client for %s: %w", gv, err)
	}
	l.typed[gv] = c
	return c, nil
}

// clusterInfo reads /version into a new ClusterInfo. It is the first request of a load, so it
// is the one that tells an unreachable server or rejected credentials from everything else.
func (l *loader) clusterInfo(ctx context.Context) (*check.ClusterInfo, error) {
	info := &check.ClusterInfo{
		TypeMeta:   metav1.TypeMeta{APIVersion: "strata.dev/v1alpha1", Kind: check.ClusterInfoKind.Kind},
		ObjectMeta: metav1.ObjectMeta{Name: "cluster"},
		Server:     l.cfg.Host,
	}
	v, err := l.disc.ServerVersionWithContext(ctx)
	var urlErr *url.Error
	switch {
	case err == nil:
		info.GitVersion, info.Platform = v.GitVersion, v.Platform
	case ctx.Err() != nil:
		return nil, fmt.Errorf("read the server version from %s: %w", l.cfg.Host, ctx.Err())
	case errors.As(err, &urlErr):
		return nil, fmt.Errorf("cannot reach the API server at %s: %w", l.cfg.Host, err)
	case apierrors.IsUnauthorized(err):
		return nil, fmt.Errorf("the API server at %s rejected the credentials: %w", l.cfg.Host, err)
	case isAPIStatus(err):
		// The server answered but will not tell its version (a restrictive proxy, a custom
		// authorizer): the scan goes on, and version checks see an empty GitVersion.
		l.opts.Logger.Debug("server version unavailable", "server", l.cfg.Host, "err", err)
	default:
		return nil, fmt.Errorf("read the server version from %s: %w", l.cfg.Host, err)
	}
	return info, nil
}

func isAPIStatus(err error) bool {
	var st apierrors.APIStatus
	return errors.As(err, &st)
}

// plan discovers what the server serves and decides, for every needed kind, which version to
// list and how. Kinds that are not served are denied here.
func (l *loader) plan(ctx context.Context) ([]*target, error) {
	groups, lists, err := l.disc.ServerGroupsAndResourcesWithContext(ctx)
	var failed *discovery.ErrGroupDiscoveryFailed
	switch {
	case err == nil || errors.As(err, &failed):
	case apierrors.IsForbidden(err):
		// client-go cannot decode the Status of a refused discovery request, so its message
		// says only "unknown": say what was refused instead.
		return nil, fmt.Errorf("discover the resources served by %s: forbidden: the user may not read API discovery (/api, /apis)", l.cfg.Host)
	default:
		return nil, fmt.Errorf("discover the resources served by %s: %w", l.cfg.Host, err)
	}
	served := servedKinds(groups, lists)
	var targets []*target
	for _, gk := range l.opts.Kinds {
		// strata's own kinds (ClusterInfo, made below; NodeFacts and Image, which node facts and
		// image analysis add) are never served by the API server: when no source adds them,
		// their checks say the input has none, not that the server refused them.
		if gk.Group == check.ClusterInfoKind.Group {
			continue
		}
		t, ok := served.pick(gk)
		if !ok {
			// A group whose discovery failed (an aggregated API that is down) may serve the
			// kind: saying "not served" would be a guess.
			if failed != nil {
				for gv, gerr := range failed.Groups {
					if gv.Group == gk.Group {
						return nil, fmt.Errorf("discover %s on %s: %w", gv, l.cfg.Host, gerr)
					}
				}
			}
			l.deny(gk, notServed)
			continue
		}
		if t.mode == typed {
			if _, err := l.typedClient(t.gvr.GroupVersion()); err != nil {
				return nil, err
			}
		}
		targets = append(targets, t)
	}
	return targets, nil
}

func (l *loader) deny(gk schema.GroupKind, reason string) {
	l.denied[gk] = reason
	l.opts.Logger.Info("kind not assessed", "kind", gk.String(), "reason", reason)
}

// candidate is one listable resource serving a kind.
type candidate struct {
	gv  schema.GroupVersion
	res metav1.APIResource
}

type served struct {
	kinds     map[schema.GroupKind][]candidate
	preferred map[string]string
}

func servedKinds(groups []*metav1.APIGroup, lists []*metav1.APIResourceList) served {
	s := served{kinds: map[schema.GroupKind][]candidate{}, preferred: map[string]string{}}
	for _, g := range groups {
		s.preferred[g.Name] = g.PreferredVersion.Version
	}
	for _, list := range lists {
		gv, err := schema.ParseGroupVersion(list.GroupVersion)
		if err != nil {
			continue
		}
		for _, r := range list.APIResources {
			if strings.Contains(r.Name, "/") || !slices.Contains(r.Verbs, "list") {
				continue
			}
			gk := schema.GroupKind{Group: gv.Group, Kind: r.Kind}
			s.kinds[gk] = append(s.kinds[gk], candidate{gv: gv, res: r})
		}
	}
	return s
}

// pick chooses the version to list gk in: the group's preferred version when client-go's scheme
// knows it, else another served version it knows, else the preferred one as unstructured.
func (s served) pick(gk schema.GroupKind) (*target, bool) {
	cands := slices.Clone(s.kinds[gk])
	if len(cands) == 0 {
		return nil, false
	}
	pref := s.preferred[gk.Group]
	slices.SortStableFunc(cands, func(a, b candidate) int {
		return boolRank(a.gv.Version == pref) - boolRank(b.gv.Version == pref)
	})
	chosen, m := cands[0], unstructuredMode
	switch {
	case isSecret(gk):
		m = metadataOnly
	default:
		for _, c := range cands {
			if scheme.Scheme.Recognizes(c.gv.WithKind(gk.Kind)) {
				chosen, m = c, typed
				break
			}
		}
	}
	return &target{
		gk:         gk,
		gvk:        chosen.gv.WithKind(gk.Kind),
		gvr:        chosen.gv.WithResource(chosen.res.Name),
		namespaced: chosen.res.Namespaced,
		mode:       m,
	}, true
}

func boolRank(b bool) int {
	if b {
		return 0
	}
	return 1
}

// warningLogger sends the API server's warnings (deprecations and the like) to the logger
// instead of client-go's default of printing them on the process's stderr.
type warningLogger struct{ log *slog.Logger }

func (w warningLogger) HandleWarningHeaderWithContext(_ context.Context, code int, agent, text string) {
	w.log.Debug("api server warning", "code", code, "agent", agent, "text", text)
}
