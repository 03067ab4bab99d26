package cluster

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// apiServiceGK is the aggregated API registration. kube-aggregator's types are not in
// client-go's scheme, so APIServices arrive as unstructured objects.
var apiServiceGK = schema.GroupKind{Group: "apiregistration.k8s.io", Kind: "APIService"}

// Why: for an APIService the API server proxies every request for that group and version to a
// backend Service, forwarding the caller's identity in headers and authenticating itself with
// the front-proxy client certificate. insecureSkipTLSVerify makes it accept any certificate
// from that backend, so whoever can answer on the Service's address — a pod that takes over
// the Service's endpoints, a compromised node on the path — impersonates the whole API group:
// it sees every request with its user and groups, and answers with whatever it likes (forged
// metrics feed the HorizontalPodAutoscaler; forged custom APIs feed controllers). The
// metrics-server manifests ship with it set. There is no mechanical fix: the CA bundle that
// should replace it is a fact about the backend's certificate, which a patch cannot know.
var apiServiceSkipsTLSVerify = &check.ObjectCheck[*unstructured.Unstructured]{
	Meta: check.Meta{
		ID:       "ST-0149",
		Slug:     "apiservice-skips-tls-verify",
		Title:    "Aggregated API served without TLS verification",
		Layer:    check.LayerCluster,
		Severity: check.SeverityHigh,
		Description: "An APIService sets insecureSkipTLSVerify: true, so the API server proxies requests, with the " +
			"caller's identity, to a backend whose certificate it does not check. Anyone who can intercept or take " +
			"over the backend Service's traffic can read those requests and forge the whole API group's answers.",
		Remediation: "Remove insecureSkipTLSVerify from the APIService and set caBundle to the CA that signed the backend's serving certificate (cert-manager's CA injector can maintain it).",
		References: []string{
			"https://kubernetes.io/docs/tasks/extend-kubernetes/configure-aggregation-layer/",
			"https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/api-service-v1/",
		},
	},
	Kind: apiServiceGK,
	Run: func(_ *check.Env, o *check.Object, u *unstructured.Unstructured) ([]check.Violation, error) {
		// An ObjectCheck on Unstructured sees every object the scheme does not know.
		if u.GroupVersionKind().GroupKind() != apiServiceGK {
			return nil, nil
		}
		v, found, err := unstructured.NestedFieldNoCopy(u.Object, "spec", "insecureSkipTLSVerify")
		if err != nil || !found {
			return nil, err
		}
		skip, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("%s: spec.insecureSkipTLSVerify is a %T, not a boolean", o.Ref, v)
		}
		if !skip {
			return nil, nil
		}
		return []check.Violation{{
			Path:    field.NewPath("spec", "insecureSkipTLSVerify"),
			Message: apiServiceMessage(u),
		}}, nil
	},
}

// apiServiceMessage names the proxied group and version and the backend, as far as the object
// says them.
func apiServiceMessage(u *unstructured.Unstructured) string {
	group, _, _ := unstructured.NestedString(u.Object, "spec", "group")
	version, _, _ := unstructured.NestedString(u.Object, "spec", "version")
	ns, _, _ := unstructured.NestedString(u.Object, "spec", "service", "namespace")
	name, _, _ := unstructured.NestedString(u.Object, "spec", "service", "name")
	api := u.GetName()
	if group != "" && version != "" {
		api = group + "/" + version
	}
	backend := "its backend"
	if name != "" {
		backend = "Service " + ns + "/" + name
	}
	return fmt.Sprintf("requests for %s are proxied to %s without verifying its certificate", api, backend)
}
