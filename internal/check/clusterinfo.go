package check

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// ClusterInfoKind is the kind of the one ClusterInfo object a live scan adds to its inventory.
// Manifests have none, so checks that read it are not assessed on manifests.
var ClusterInfoKind = schema.GroupKind{Group: "strata.dev", Kind: "ClusterInfo"}

// ClusterInfo is what a live scan learns about the API server itself rather than from its
// objects: the server version and what an anonymous caller can do. It is an object like any
// other so that checks declare it as an input and coverage says when it was not available.
type ClusterInfo struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Server is the API server's address as the kubeconfig names it.
	Server string `json:"server,omitempty"`
	// GitVersion is /version's gitVersion ("v1.37.2"); empty when /version could not be read.
	GitVersion string `json:"gitVersion,omitempty"`
	// Platform is /version's platform ("linux/amd64").
	Platform string `json:"platform,omitempty"`
	// Anonymous holds the results of requests sent without credentials; nil when not probed.
	Anonymous []AnonymousProbe `json:"anonymous,omitempty"`
}

// AnonymousProbe is one request sent to the API server with no credentials.
type AnonymousProbe struct {
	// Request is what was asked, such as "GET /version" or "list namespaces".
	Request string `json:"request"`
	// Path is the URL path requested.
	Path string `json:"path"`
	// Status is the HTTP status code; 0 when the request failed before an answer.
	Status int `json:"status"`
	// Allowed is true when the server answered with a 2xx status.
	Allowed bool `json:"allowed"`
}

// DeepCopyObject implements runtime.Object.
func (c *ClusterInfo) DeepCopyObject() runtime.Object {
	if c == nil {
		return nil
	}
	out := *c
	c.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	out.Anonymous = append([]AnonymousProbe(nil), c.Anonymous...)
	return &out
}
