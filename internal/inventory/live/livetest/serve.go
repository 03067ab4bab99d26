package livetest

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// serveGroupVersion serves /api/v1/... and /apis/GROUP/VERSION/...: the resource list, lists of
// objects (cluster-wide or in a namespace) and single objects.
func (s *Server) serveGroupVersion(w http.ResponseWriter, r *http.Request, gv schema.GroupVersion, rest []string) {
	if len(rest) == 0 {
		s.serveResourceList(w, gv)
		return
	}
	ns := ""
	if len(rest) >= 3 && rest[0] == "namespaces" {
		ns, rest = rest[1], rest[2:]
	}
	if len(rest) > 2 {
		writeStatus(w, http.StatusNotFound, metav1.StatusReasonNotFound, "the server could not find the requested resource")
		return
	}
	res, ok := s.resource(gv, rest[0])
	if !ok {
		writeStatus(w, http.StatusNotFound, metav1.StatusReasonNotFound, "the server could not find the requested resource")
		return
	}
	verb, name := "list", ""
	if len(rest) == 2 {
		verb, name = "get", rest[1]
	}
	if res.key() == "secrets" && !metadataOnly(r.Header.Get("Accept")) {
		s.t.Errorf("livetest: Secrets requested with Accept %q: strata must only ask for PartialObjectMetadata", r.Header.Get("Accept"))
	}
	if code := s.failures[res.key()]; code != 0 {
		writeStatus(w, code, failureReasons[code], fmt.Sprintf("injected failure listing %s", res.key()))
		return
	}
	scope := ns
	if res.key() == "namespaces" && name != "" {
		scope = name
	}
	if s.forbidden[res.key()+"|"+scope] {
		where := "at the cluster scope"
		if scope != "" {
			where = fmt.Sprintf("in the namespace %q", scope)
		}
		writeStatus(w, http.StatusForbidden, metav1.StatusReasonForbidden, fmt.Sprintf(
			"%s is forbidden: User %q cannot %s resource %q in API group %q %s", res.Resource, User, verb, res.Resource, res.Group, where))
		return
	}
	if name != "" {
		s.serveObject(w, r, res, ns, name)
		return
	}
	s.serveList(w, r, res, ns)
}

// failureReasons are the reasons the API server gives with the status codes Fail injects.
var failureReasons = map[int]metav1.StatusReason{
	http.StatusNotAcceptable:       metav1.StatusReasonNotAcceptable,
	http.StatusInternalServerError: metav1.StatusReasonInternalError,
	http.StatusServiceUnavailable:  metav1.StatusReasonServiceUnavailable,
}

func (s *Server) resource(gv schema.GroupVersion, name string) (Resource, bool) {
	for _, r := range s.resources {
		if r.gv() == gv && r.Resource == name {
			return r, true
		}
	}
	return Resource{}, false
}

// metadataOnly reports whether every media range of an Accept header asks for
// PartialObjectMetadata, so no answer to it can carry a Secret's data.
func metadataOnly(accept string) bool {
	if strings.TrimSpace(accept) == "" {
		return false
	}
	for _, r := range strings.Split(accept, ",") {
		if !strings.Contains(r, "as=PartialObjectMetadata") {
			return false
		}
	}
	return true
}

func (s *Server) serveResourceList(w http.ResponseWriter, gv schema.GroupVersion) {
	list := &metav1.APIResourceList{TypeMeta: metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"}, GroupVersion: gv.String()}
	for _, r := range s.resources {
		if r.gv() == gv {
			list.APIResources = append(list.APIResources, metav1.APIResource{
				Name: r.Resource, Namespaced: r.Namespaced, Kind: r.Kind, Verbs: []string{"get", "list", "watch"},
			})
		}
	}
	if len(list.APIResources) == 0 {
		writeStatus(w, http.StatusNotFound, metav1.StatusReasonNotFound, "the server could not find the requested resource")
		return
	}
	writeJSON(w, "application/json", http.StatusOK, list)
}

// items returns the stored objects of res in namespace ns ("" for all), in namespace and name
// order, as the API server lists them.
func (s *Server) items(res Resource, ns string) []map[string]any {
	all := s.objects[res.key()]
	if !s.sorted[res.key()] {
		slices.SortFunc(all, func(a, b map[string]any) int {
			return cmp.Or(cmp.Compare(metaString(a, "namespace"), metaString(b, "namespace")),
				cmp.Compare(metaString(a, "name"), metaString(b, "name")))
		})
		s.sorted[res.key()] = true
	}
	if ns == "" {
		return all
	}
	var out []map[string]any
	for _, o := range all {
		if metaString(o, "namespace") == ns {
			out = append(out, o)
		}
	}
	return out
}

func metaString(o map[string]any, field string) string {
	md, _ := o["metadata"].(map[string]any)
	v, _ := md[field].(string)
	return v
}

func (s *Server) serveObject(w http.ResponseWriter, r *http.Request, res Resource, ns, name string) {
	for _, o := range s.items(res, ns) {
		if metaString(o, "name") == name {
			if metadataOnly(r.Header.Get("Accept")) {
				o = partial(o)
			}
			writeJSON(w, "application/json", http.StatusOK, o)
			return
		}
	}
	writeStatus(w, http.StatusNotFound, metav1.StatusReasonNotFound, fmt.Sprintf("%s %q not found", res.Resource, name))
}

// serveList answers one page. A continue token is the offset of the next item; an expired one
// is answered with 410 Gone like the API server's after compaction.
func (s *Server) serveList(w http.ResponseWriter, r *http.Request, res Resource, ns string) {
	q := r.URL.Query()
	items := s.items(res, ns)
	offset := 0
	if c := q.Get("continue"); c != "" {
		if s.expire[res.key()] > 0 {
			s.expire[res.key()]--
			writeStatus(w, http.StatusGone, metav1.StatusReasonExpired,
				"The provided continue parameter is too old to display a consistent list result.")
			return
		}
		n, err := strconv.Atoi(strings.TrimPrefix(c, "offset-"))
		if err != nil || n < 0 || n > len(items) {
			writeStatus(w, http.StatusBadRequest, metav1.StatusReasonBadRequest, "invalid continue token")
			return
		}
		offset = n
	}
	end := len(items)
	if limit, _ := strconv.Atoi(q.Get("limit")); limit > 0 && offset+limit < end {
		end = offset + limit
	}
	page := items[offset:end]
	listMeta := map[string]any{"resourceVersion": fmt.Sprint(s.serial)}
	if end < len(items) {
		listMeta["continue"] = fmt.Sprintf("offset-%d", end)
	}
	if metadataOnly(r.Header.Get("Accept")) {
		out := make([]map[string]any, len(page))
		for i, o := range page {
			out[i] = partial(o)
		}
		writeJSON(w, "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1", http.StatusOK, map[string]any{
			"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadataList", "metadata": listMeta, "items": out})
		return
	}
	out := make([]map[string]any, len(page))
	for i, o := range page {
		out[i] = o
		if !res.Custom {
			out[i] = maps.Clone(o)
			delete(out[i], "apiVersion")
			delete(out[i], "kind")
		}
	}
	writeJSON(w, "application/json", http.StatusOK, map[string]any{
		"apiVersion": res.gv().String(), "kind": res.Kind + "List", "metadata": listMeta, "items": out})
}

// partial is an object reduced to PartialObjectMetadata.
func partial(o map[string]any) map[string]any {
	return map[string]any{"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadata", "metadata": o["metadata"]}
}
