package live

import (
	"cmp"
	"context"
	"net/http"
	"strings"
	"time"

	"k8s.io/client-go/rest"

	"github.com/strata-sec/strata/internal/check"
)

// anonymousProbes are the requests sent without credentials. Secrets are deliberately not among
// them: strata never asks for Secrets, not even as nobody. ConfigMaps stand in for "namespaced
// data an anonymous caller should never read".
var anonymousProbes = []struct {
	request, path string
	list          bool
}{
	{request: "GET /version", path: "/version"},
	{request: "GET /api", path: "/api"},
	{request: "GET /apis", path: "/apis"},
	{request: "list namespaces", path: "/api/v1/namespaces", list: true},
	{request: "list pods", path: "/api/v1/pods", list: true},
	{request: "list configmaps", path: "/api/v1/configmaps", list: true},
}

// defaultProbeTimeout bounds each anonymous request when the config sets no timeout.
const defaultProbeTimeout = 10 * time.Second

// probeAnonymous sends each probe with a copy of the config stripped of every credential
// (token, client certificate, exec and auth plugins, impersonation) and records the status.
// Failures are results, not errors: a request that got no answer has Status 0.
func (l *loader) probeAnonymous(ctx context.Context) []check.AnonymousProbe {
	out := make([]check.AnonymousProbe, len(anonymousProbes))
	for i, p := range anonymousProbes {
		out[i] = check.AnonymousProbe{Request: p.request, Path: p.path}
	}
	anon := rest.AnonymousClientConfig(l.cfg)
	hc, err := rest.HTTPClientFor(anon)
	if err != nil {
		l.opts.Logger.Debug("anonymous probes not sent", "err", err)
		return out
	}
	// The base URL (scheme, host and any proxy prefix) comes from the full config: whether it
	// defaults to https depends on TLS settings the anonymous copy partly drops.
	base, _, err := rest.DefaultServerUrlFor(l.cfg)
	if err != nil {
		l.opts.Logger.Debug("anonymous probes not sent", "err", err)
		return out
	}
	timeout := cmp.Or(l.cfg.Timeout, defaultProbeTimeout)
	for i, p := range anonymousProbes {
		u := *base
		u.Path = strings.TrimSuffix(u.Path, "/") + p.path
		if p.list {
			u.RawQuery = "limit=1"
		}
		out[i].Status = probe(ctx, hc, u.String(), timeout)
		out[i].Allowed = out[i].Status >= 200 && out[i].Status < 300
		l.opts.Logger.Debug("anonymous probe", "request", p.request, "status", out[i].Status)
	}
	return out
}

// probe sends one GET and returns its status code, or 0 when no answer came. The body is never
// read: only whether the server would answer matters.
func probe(ctx context.Context, hc *http.Client, url string, timeout time.Duration) int {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
