package cluster

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// probeReach rates the path of an anonymous request the API server answered with success, with
// the same scale as RBAC rules: the path says what the request read.
//
//   - /healthz, /livez, /readyz, /version and the OIDC discovery documents are public by default;
//   - /api, /api/<version>, /apis, /apis/<group>, /apis/<group>/<version>, /openapi/... and
//     individual health checks are discovery documents;
//   - anything deeper under /api or /apis is a resource request (a list, a get, a watch), and
//     every other path (/metrics, /logs, /debug/...) exposes more than discovery.
func probeReach(path string) reach {
	path, _, _ = strings.Cut(path, "?")
	if path != "/" {
		path = strings.TrimSuffix(path, "/")
	}
	if urlReach(path) == reachPublic {
		return reachPublic
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	switch segs[0] {
	case "api":
		if len(segs) <= 2 {
			return reachDiscovery
		}
	case "apis":
		if len(segs) <= 3 {
			return reachDiscovery
		}
	case "openapi", "healthz", "livez", "readyz":
		return reachDiscovery
	}
	return reachBeyond
}

// probeViolations returns one violation per allowed anonymous probe whose path is rated want.
// A ClusterInfo without probe results (not probed, or a scan that could not) is not assessed.
func probeViolations(info *check.ClusterInfo, want reach, explain func(p check.AnonymousProbe) string) ([]check.Violation, error) {
	if info.Anonymous == nil {
		return nil, check.NotAssessedf("the API server was not probed for anonymous access")
	}
	var out []check.Violation
	for i, p := range info.Anonymous {
		if !p.Allowed || probeReach(p.Path) != want {
			continue
		}
		out = append(out, check.Violation{Path: field.NewPath("anonymous").Index(i), Message: explain(p)})
	}
	return out, nil
}

// probeRequest names a probe for messages: its description, or its path.
func probeRequest(p check.AnonymousProbe) string {
	if p.Request != "" {
		return p.Request
	}
	return "GET " + p.Path
}
