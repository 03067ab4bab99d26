package network

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

var (
	gatewayKind   = schema.GroupKind{Group: "gateway.networking.k8s.io", Kind: "Gateway"}
	httpRouteKind = schema.GroupKind{Group: "gateway.networking.k8s.io", Kind: "HTTPRoute"}
)

// Why: a Gateway API Gateway whose only HTTP-carrying listeners speak plain HTTP serves every
// attached route in clear text, with the same consequences as an Ingress without TLS: cookies,
// tokens and credentials readable and modifiable by anyone on the path. Routes are reported too
// when they attach only to plain-HTTP listeners — even on a Gateway that also has an HTTPS
// listener — unless every rule of the route redirects to https, which is the normal way an
// HTTP listener is used next to an HTTPS one. Gateway API kinds are CRDs; where they are not
// installed the check is not assessed rather than passed.
var gatewayPlaintextHTTP = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0205",
		Slug:     "gateway-plaintext-http",
		Title:    "Gateway API traffic is served over plain HTTP",
		Layer:    check.LayerNetwork,
		Severity: check.SeverityMedium,
		Description: "A Gateway has HTTP listeners but no HTTPS or TLS listener, or an HTTPRoute attaches only to " +
			"plain-HTTP listeners without redirecting to HTTPS. Its traffic, including credentials and " +
			"session cookies, crosses the network unencrypted.",
		Remediation: "Add an HTTPS listener with a certificate to the Gateway, attach the routes to it, and keep " +
			"the HTTP listener only for a RequestRedirect filter with scheme https.",
		References: []string{
			"https://gateway-api.sigs.k8s.io/guides/tls/",
			"https://gateway-api.sigs.k8s.io/guides/http-redirect-rewrite/",
		},
	},
	Reads: []schema.GroupKind{gatewayKind, httpRouteKind},
	Run:   runGatewayPlaintext,
}

// gatewaySpec and httpRouteSpec are the parts of the Gateway API objects the check reads.
type gatewaySpec struct {
	Listeners []struct {
		Name     string `json:"name"`
		Port     int32  `json:"port"`
		Protocol string `json:"protocol"`
	} `json:"listeners"`
}

type httpRouteSpec struct {
	ParentRefs []struct {
		Group       *string `json:"group"`
		Kind        *string `json:"kind"`
		Namespace   *string `json:"namespace"`
		Name        string  `json:"name"`
		SectionName *string `json:"sectionName"`
		Port        *int32  `json:"port"`
	} `json:"parentRefs"`
	Rules []struct {
		Filters []struct {
			Type            string `json:"type"`
			RequestRedirect *struct {
				Scheme *string `json:"scheme"`
			} `json:"requestRedirect"`
		} `json:"filters"`
	} `json:"rules"`
}

func runGatewayPlaintext(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
	var out []check.ObjectViolation
	for _, o := range inv.List(gatewayKind, "") {
		var gw gatewaySpec
		if err := decodeSpec(o, &gw); err != nil {
			return nil, err
		}
		if gw.hasSecureListener() {
			continue
		}
		for i, l := range gw.Listeners {
			if strings.EqualFold(l.Protocol, "HTTP") {
				out = append(out, check.ObjectViolation{Object: o, Violation: check.Violation{
					Path: field.NewPath("spec", "listeners").Index(i).Child("protocol"),
					Message: fmt.Sprintf("listener %q serves plain HTTP on port %d and the gateway has no HTTPS or TLS listener",
						l.Name, l.Port),
				}})
			}
		}
	}
	for _, o := range inv.List(httpRouteKind, "") {
		vs, err := plaintextRoute(inv, o)
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
	}
	return out, nil
}

func (gw *gatewaySpec) hasSecureListener() bool {
	for _, l := range gw.Listeners {
		if strings.EqualFold(l.Protocol, "HTTPS") || strings.EqualFold(l.Protocol, "TLS") {
			return true
		}
	}
	return false
}

// plaintextRoute reports the parent references through which a route is attached only to
// plain-HTTP listeners, unless the route redirects everything to https.
func plaintextRoute(inv check.Inventory, o *check.Object) ([]check.ObjectViolation, error) {
	var rt httpRouteSpec
	if err := decodeSpec(o, &rt); err != nil {
		return nil, err
	}
	if rt.redirectsToHTTPS() {
		return nil, nil
	}
	var out []check.ObjectViolation
	for i, ref := range rt.ParentRefs {
		if derefOr(ref.Group, gatewayKind.Group) != gatewayKind.Group || derefOr(ref.Kind, gatewayKind.Kind) != gatewayKind.Kind {
			continue
		}
		ns := derefOr(ref.Namespace, o.Ref.Namespace)
		parent, ok := inv.Get(gatewayKind, ns, ref.Name)
		if !ok {
			continue
		}
		var gw gatewaySpec
		if err := decodeSpec(parent, &gw); err != nil {
			return nil, err
		}
		var attached, plain int
		for _, l := range gw.Listeners {
			if (ref.SectionName != nil && *ref.SectionName != l.Name) || (ref.Port != nil && *ref.Port != l.Port) {
				continue
			}
			switch strings.ToUpper(l.Protocol) {
			case "HTTP":
				attached++
				plain++
			case "HTTPS":
				attached++
			}
		}
		if attached > 0 && attached == plain {
			out = append(out, check.ObjectViolation{Object: o, Violation: check.Violation{
				Path:    field.NewPath("spec", "parentRefs").Index(i),
				Message: fmt.Sprintf("route is served only by plain-HTTP listeners of gateway %s/%s and does not redirect to https", ns, ref.Name),
			}})
		}
	}
	return out, nil
}

// redirectsToHTTPS reports whether every rule of the route redirects to https, so nothing but
// the redirect is ever served in clear text.
func (rt *httpRouteSpec) redirectsToHTTPS() bool {
	if len(rt.Rules) == 0 {
		return false
	}
	for _, r := range rt.Rules {
		redirect := false
		for _, f := range r.Filters {
			if f.Type == "RequestRedirect" && f.RequestRedirect != nil && strings.EqualFold(derefOr(f.RequestRedirect.Scheme, ""), "https") {
				redirect = true
			}
		}
		if !redirect {
			return false
		}
	}
	return true
}

// decodeSpec converts the spec of an unstructured (CRD) object into out.
func decodeSpec(o *check.Object, out any) error {
	u, ok := o.Obj.(runtime.Unstructured)
	if !ok {
		return fmt.Errorf("%s: unexpected type %T for a custom resource", o.Ref, o.Obj)
	}
	spec, _ := u.UnstructuredContent()["spec"].(map[string]any)
	if spec == nil {
		return nil
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(spec, out); err != nil {
		return fmt.Errorf("decode %s spec: %w", o.Ref, err)
	}
	return nil
}

func derefOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
