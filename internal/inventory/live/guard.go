package live

import (
	"fmt"
	"net/http"
	"strings"
)

// secretGuard is the last hop before the wire for every request the loader sends. A request for
// Secrets may only accept PartialObjectMetadata: client-go's metadata client also offers plain
// JSON as a fallback, which a server unable to transform the response would answer with the full
// Secrets, data included. The guard removes that fallback, and refuses outright any Secrets
// request that asks for whole objects, so no code path of strata can fetch Secret data.
type secretGuard struct{ next http.RoundTripper }

func (g secretGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if !isSecretsPath(req.URL.Path) {
		return g.next.RoundTrip(req)
	}
	accept := metadataOnlyAccept(req.Header.Get("Accept"))
	if accept == "" {
		return nil, fmt.Errorf("refusing %s %s: strata only ever requests Secrets as metadata", req.Method, req.URL.Path)
	}
	req = req.Clone(req.Context())
	req.Header.Set("Accept", accept)
	return g.next.RoundTrip(req)
}

// isSecretsPath reports whether path addresses core Secrets: /api/v1/secrets,
// /api/v1/namespaces/NS/secrets or one Secret below them, behind any proxy prefix.
func isSecretsPath(path string) bool {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := 0; i+1 < len(segs); i++ {
		if segs[i] != "api" || segs[i+1] != "v1" {
			continue
		}
		rest := segs[i+2:]
		if len(rest) >= 3 && rest[0] == "namespaces" {
			rest = rest[2:]
		}
		return len(rest) > 0 && rest[0] == "secrets"
	}
	return false
}

// metadataOnlyAccept keeps the media ranges of an Accept header that ask for
// PartialObjectMetadata (or a list of it), and drops every other one.
func metadataOnlyAccept(accept string) string {
	var keep []string
	for _, r := range strings.Split(accept, ",") {
		if strings.Contains(r, "as=PartialObjectMetadata") {
			keep = append(keep, strings.TrimSpace(r))
		}
	}
	return strings.Join(keep, ",")
}
