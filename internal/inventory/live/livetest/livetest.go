// Package livetest is a small imitation of a kube-apiserver for unit tests of live scans: legacy
// discovery, /version, paginated lists with continue tokens, metadata-only lists, one bearer-token
// user and anonymous callers, and injected failures (403, 410 Gone, 5xx). It records every
// request, and fails the test when Secrets are requested as anything but metadata.
//
// It is for unit tests of small pieces; live behaviour is tested against a real kube-apiserver
// in test/cluster.
package livetest

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
)

// Token is the bearer token of the server's one authenticated user, User.
const (
	Token = "livetest-token"
	User  = "alice"
)

// GitVersion is what /version reports.
const GitVersion = "v1.37.2"

// Resource is one resource the server serves.
type Resource struct {
	Group, Version, Resource, Kind string
	Namespaced                     bool
	// Custom marks a custom resource: its list items keep apiVersion and kind, as the API
	// server's do, where built-in lists leave them out.
	Custom bool
}

func (r Resource) gv() schema.GroupVersion {
	return schema.GroupVersion{Group: r.Group, Version: r.Version}
}

// key names the resource as RBAC does: "pods", "deployments.apps".
func (r Resource) key() string {
	return schema.GroupResource{Group: r.Group, Resource: r.Resource}.String()
}

// Request is one request the server received.
type Request struct {
	Method, Path, RawQuery, Accept string
	// Anonymous is true when the request carried no credentials.
	Anonymous bool
}

// Server is the imitation API server. Configure it before the code under test runs.
type Server struct {
	// URL is the server's base URL.
	URL string

	t         testing.TB
	srv       *httptest.Server
	mu        sync.Mutex
	resources []Resource
	objects   map[string][]map[string]any
	sorted    map[string]bool
	forbidden map[string]bool
	anonymous map[string]bool
	expire    map[string]int
	failures  map[string]int
	requests  []Request
	serial    int
}

// DefaultResources are served by New: the kinds strata's checks read.
var DefaultResources = []Resource{
	{Version: "v1", Resource: "namespaces", Kind: "Namespace"},
	{Version: "v1", Resource: "nodes", Kind: "Node"},
	{Version: "v1", Resource: "pods", Kind: "Pod", Namespaced: true},
	{Version: "v1", Resource: "podtemplates", Kind: "PodTemplate", Namespaced: true},
	{Version: "v1", Resource: "replicationcontrollers", Kind: "ReplicationController", Namespaced: true},
	{Version: "v1", Resource: "services", Kind: "Service", Namespaced: true},
	{Version: "v1", Resource: "serviceaccounts", Kind: "ServiceAccount", Namespaced: true},
	{Version: "v1", Resource: "configmaps", Kind: "ConfigMap", Namespaced: true},
	{Version: "v1", Resource: "secrets", Kind: "Secret", Namespaced: true},
	{Group: "apps", Version: "v1", Resource: "deployments", Kind: "Deployment", Namespaced: true},
	{Group: "apps", Version: "v1", Resource: "replicasets", Kind: "ReplicaSet", Namespaced: true},
	{Group: "apps", Version: "v1", Resource: "statefulsets", Kind: "StatefulSet", Namespaced: true},
	{Group: "apps", Version: "v1", Resource: "daemonsets", Kind: "DaemonSet", Namespaced: true},
	{Group: "batch", Version: "v1", Resource: "jobs", Kind: "Job", Namespaced: true},
	{Group: "batch", Version: "v1", Resource: "cronjobs", Kind: "CronJob", Namespaced: true},
	{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles", Kind: "Role", Namespaced: true},
	{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings", Kind: "RoleBinding", Namespaced: true},
	{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles", Kind: "ClusterRole"},
	{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings", Kind: "ClusterRoleBinding"},
	{Group: "networking.k8s.io", Version: "v1", Resource: "networkpolicies", Kind: "NetworkPolicy", Namespaced: true},
}

// New starts a server serving DefaultResources; it stops when the test ends. Anonymous callers
// may read /version and /healthz only, as on a default cluster.
func New(t testing.TB) *Server {
	s := &Server{
		t:         t,
		resources: slices.Clone(DefaultResources),
		objects:   map[string][]map[string]any{},
		sorted:    map[string]bool{},
		forbidden: map[string]bool{},
		anonymous: map[string]bool{"/version": true, "/healthz": true},
		expire:    map[string]int{},
		failures:  map[string]int{},
	}
	// TLS, as clients send credentials only over TLS connections.
	s.srv = httptest.NewTLSServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// Config returns a client config for the server's authenticated user.
func (s *Server) Config() *rest.Config {
	return &rest.Config{Host: s.URL, BearerToken: Token, TLSClientConfig: rest.TLSClientConfig{CAData: s.CAData()}}
}

// CAData is the PEM certificate clients verify the server with.
func (s *Server) CAData() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw})
}

// Close stops the server early: clients then cannot reach it.
func (s *Server) Close() { s.srv.Close() }

// Serve adds a resource, such as a custom resource.
func (s *Server) Serve(r Resource) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resources = append(s.resources, r)
}

// Unserve stops serving a resource ("networkpolicies.networking.k8s.io").
func (s *Server) Unserve(resource string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resources = slices.DeleteFunc(s.resources, func(r Resource) bool { return r.key() == resource })
}

// Add stores objects: typed k8s.io/api objects or *unstructured.Unstructured. Objects without
// a uid or resourceVersion get one.
func (s *Server) Add(objs ...runtime.Object) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, obj := range objs {
		gvk := obj.GetObjectKind().GroupVersionKind()
		if gvk.Empty() {
			kinds, _, err := scheme.Scheme.ObjectKinds(obj)
			if err != nil {
				s.t.Fatalf("livetest: %T has no kind: %v", obj, err)
			}
			gvk = kinds[0]
		}
		r, ok := s.resourceFor(gvk)
		if !ok {
			s.t.Fatalf("livetest: %s is not served", gvk)
		}
		m := toMap(s.t, obj)
		m["apiVersion"], m["kind"] = gvk.GroupVersion().String(), gvk.Kind
		md, _ := m["metadata"].(map[string]any)
		if md == nil {
			md = map[string]any{}
			m["metadata"] = md
		}
		s.serial++
		if md["uid"] == nil {
			md["uid"] = fmt.Sprintf("00000000-0000-4000-8000-%012d", s.serial)
		}
		if md["resourceVersion"] == nil {
			md["resourceVersion"] = fmt.Sprint(s.serial)
		}
		s.objects[r.key()] = append(s.objects[r.key()], m)
		s.sorted[r.key()] = false
	}
}

func (s *Server) resourceFor(gvk schema.GroupVersionKind) (Resource, bool) {
	for _, r := range s.resources {
		if r.gv() == gvk.GroupVersion() && r.Kind == gvk.Kind {
			return r, true
		}
	}
	return Resource{}, false
}

func toMap(t testing.TB, obj runtime.Object) map[string]any {
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatalf("livetest: marshal %T: %v", obj, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("livetest: unmarshal %T: %v", obj, err)
	}
	return m
}

// Forbid denies the user lists of resource ("pods", "deployments.apps") in namespace, or at
// the cluster scope when namespace is empty. Forbid("namespaces", "ns") denies getting ns.
func (s *Server) Forbid(resource, namespace string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forbidden[resource+"|"+namespace] = true
}

// AllowAnonymous lets callers without credentials GET path ("/api", "/api/v1/pods").
func (s *Server) AllowAnonymous(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.anonymous[path] = true
}

// ExpireContinue makes the next n requests for resource that carry a continue token fail
// with 410 Gone, as when the server has compacted the snapshot the token points into.
func (s *Server) ExpireContinue(resource string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire[resource] = n
}

// Fail makes every list of resource fail with the HTTP status code.
func (s *Server) Fail(resource string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[resource] = code
}

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// writeStatus answers with a metav1.Status error.
func writeStatus(w http.ResponseWriter, code int, reason metav1.StatusReason, msg string) {
	writeJSON(w, "application/json", code, &metav1.Status{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Status"},
		Status:   metav1.StatusFailure, Message: msg, Reason: reason, Code: int32(code),
	})
}

func writeJSON(w http.ResponseWriter, contentType string, code int, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// serveHTTP authenticates, records and routes one request.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	auth := r.Header.Get("Authorization")
	req := Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Accept: r.Header.Get("Accept"), Anonymous: auth == ""}
	s.requests = append(s.requests, req)
	switch {
	case auth != "" && auth != "Bearer "+Token:
		writeStatus(w, http.StatusUnauthorized, metav1.StatusReasonUnauthorized, "Unauthorized")
		return
	case auth == "" && !s.anonymous[r.URL.Path]:
		writeStatus(w, http.StatusForbidden, metav1.StatusReasonForbidden,
			fmt.Sprintf("forbidden: User \"system:anonymous\" cannot get path %q", r.URL.Path))
		return
	case r.Method != http.MethodGet:
		writeStatus(w, http.StatusMethodNotAllowed, metav1.StatusReasonMethodNotAllowed, "only GET is served")
		return
	}
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.URL.Path == "/version":
		writeJSON(w, "application/json", http.StatusOK, map[string]string{
			"major": "1", "minor": "37", "gitVersion": GitVersion, "platform": "linux/amd64"})
	case r.URL.Path == "/healthz":
		w.WriteHeader(http.StatusOK)
	case r.URL.Path == "/api":
		writeJSON(w, "application/json", http.StatusOK, &metav1.APIVersions{
			TypeMeta: metav1.TypeMeta{Kind: "APIVersions"}, Versions: []string{"v1"}})
	case r.URL.Path == "/apis":
		writeJSON(w, "application/json", http.StatusOK, s.groupList())
	case segs[0] == "api" && len(segs) >= 2:
		s.serveGroupVersion(w, r, schema.GroupVersion{Version: segs[1]}, segs[2:])
	case segs[0] == "apis" && len(segs) >= 3:
		s.serveGroupVersion(w, r, schema.GroupVersion{Group: segs[1], Version: segs[2]}, segs[3:])
	default:
		writeStatus(w, http.StatusNotFound, metav1.StatusReasonNotFound, "the server could not find the requested resource")
	}
}

func (s *Server) groupList() *metav1.APIGroupList {
	list := &metav1.APIGroupList{TypeMeta: metav1.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}}
	seen := map[string]int{}
	for _, r := range s.resources {
		if r.Group == "" {
			continue
		}
		gvd := metav1.GroupVersionForDiscovery{GroupVersion: r.gv().String(), Version: r.Version}
		i, ok := seen[r.Group]
		if !ok {
			seen[r.Group] = len(list.Groups)
			list.Groups = append(list.Groups, metav1.APIGroup{Name: r.Group, Versions: []metav1.GroupVersionForDiscovery{gvd}, PreferredVersion: gvd})
			continue
		}
		if g := &list.Groups[i]; !slices.Contains(g.Versions, gvd) {
			g.Versions = append(g.Versions, gvd)
		}
	}
	return list
}
