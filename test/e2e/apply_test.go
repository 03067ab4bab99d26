package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/yaml"

	"github.com/strata-sec/strata/test/cluster"
)

// manifestObject is one object decoded from a manifest file.
type manifestObject struct {
	file string
	obj  *unstructured.Unstructured
}

func (m manifestObject) key() objectKey {
	return objectKey{m.obj.GetKind(), m.obj.GetNamespace(), m.obj.GetName()}
}

// readManifests decodes every object of the *.yaml files in dir. Documents holding only
// comments are not objects; a document without apiVersion, kind or name fails t.
func readManifests(t testing.TB, dir string) []manifestObject {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in %s (%v)", dir, err)
	}
	var objs []manifestObject
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		docs := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
		for {
			doc, err := docs.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			var m map[string]any
			if err := yaml.Unmarshal(doc, &m); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if len(m) == 0 {
				continue
			}
			u := &unstructured.Unstructured{Object: m}
			if u.GetAPIVersion() == "" || u.GetKind() == "" || u.GetName() == "" {
				t.Fatalf("%s: a document without apiVersion, kind or metadata.name:\n%s", file, doc)
			}
			objs = append(objs, manifestObject{file: file, obj: u})
		}
	}
	return objs
}

// applier creates manifest objects in a cluster as they are written, Secrets included.
type applier struct {
	c      *cluster.Cluster
	client kubernetes.Interface
	dyn    dynamic.Interface
	mapper meta.RESTMapper
}

func newApplier(t testing.TB, c *cluster.Cluster) *applier {
	t.Helper()
	cfg := c.AdminConfig()
	// The server warns about what the examples do wrong on purpose (gitRepo volumes, PodSecurity).
	cfg.WarningHandler = rest.NoWarnings{}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := restmapper.GetAPIGroupResources(client.Discovery())
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	return &applier{c: c, client: client, dyn: dyn, mapper: restmapper.NewDiscoveryRESTMapper(groups)}
}

// createOrder ranks kinds so that what others depend on exists first: the ServiceAccount
// admission plugin rejects a pod whose service account does not exist yet.
func createOrder(kind string) int {
	switch kind {
	case "Namespace":
		return 0
	case "ServiceAccount":
		return 1
	case "Secret", "ConfigMap":
		return 2
	case "Role", "ClusterRole":
		return 3
	case "RoleBinding", "ClusterRoleBinding":
		return 4
	}
	return 5
}

// apply creates every object and returns the UIDs the server gave them. A Namespace that
// exists already (left by an earlier set: no controller manager runs to delete namespaces)
// gets the manifest's labels and annotations instead. Any object the server refuses is an
// error naming the object and its file: nothing is skipped.
func (a *applier) apply(ctx context.Context, objs []manifestObject) (map[objectKey]string, error) {
	objs = slices.Clone(objs)
	slices.SortStableFunc(objs, func(x, y manifestObject) int {
		return createOrder(x.obj.GetKind()) - createOrder(y.obj.GetKind())
	})
	uids := map[objectKey]string{}
	for _, m := range objs {
		var uid string
		var err error
		if m.obj.GetKind() == "Namespace" && m.obj.GetAPIVersion() == "v1" {
			uid, err = a.applyNamespace(ctx, m.obj)
		} else {
			uid, err = a.create(ctx, m.obj)
		}
		if err != nil {
			return nil, fmt.Errorf("creating %s from %s: %w", m.key(), m.file, err)
		}
		uids[m.key()] = uid
	}
	return uids, nil
}

func (a *applier) create(ctx context.Context, u *unstructured.Unstructured) (string, error) {
	ri, err := a.resource(u)
	if err != nil {
		return "", err
	}
	created, err := ri.Create(ctx, u.DeepCopy(), metav1.CreateOptions{FieldValidation: "Strict"})
	if err != nil {
		return "", err
	}
	return string(created.GetUID()), nil
}

func (a *applier) resource(u *unstructured.Unstructured) (dynamic.ResourceInterface, error) {
	gvk := u.GroupVersionKind()
	mapping, err := a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, fmt.Errorf("mapping %s: %w", gvk, err)
	}
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		return a.dyn.Resource(mapping.Resource).Namespace(u.GetNamespace()), nil
	}
	return a.dyn.Resource(mapping.Resource), nil
}

func (a *applier) applyNamespace(ctx context.Context, u *unstructured.Unstructured) (string, error) {
	ns, err := a.client.CoreV1().Namespaces().Get(ctx, u.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		ns, err = a.c.CreateNamespace(ctx, u.GetName(), u.GetLabels())
	}
	if err != nil {
		return "", err
	}
	// The server adds kubernetes.io/metadata.name on every write; it is not the manifest's.
	want := maps.Clone(u.GetLabels())
	have := maps.Clone(ns.Labels)
	delete(have, "kubernetes.io/metadata.name")
	if maps.Equal(want, have) && maps.Equal(u.GetAnnotations(), ns.Annotations) {
		return string(ns.UID), nil
	}
	ns.Labels, ns.Annotations = want, u.GetAnnotations()
	ns, err = a.client.CoreV1().Namespaces().Update(ctx, ns, metav1.UpdateOptions{})
	if err != nil {
		return "", err
	}
	return string(ns.UID), nil
}

// remove deletes every object but namespaces and waits until they are gone. Namespaces stay:
// without kube-controller-manager nothing finalizes a deleted namespace. Deletion propagates in
// the background, so no orphan finalizer waits for a garbage collector that does not run.
func (a *applier) remove(ctx context.Context, objs []manifestObject) error {
	background := metav1.DeletePropagationBackground
	for _, m := range objs {
		if m.obj.GetKind() == "Namespace" {
			continue
		}
		ri, err := a.resource(m.obj)
		if err != nil {
			return err
		}
		err = ri.Delete(ctx, m.obj.GetName(), metav1.DeleteOptions{PropagationPolicy: &background})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting %s: %w", m.key(), err)
		}
		err = wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			_, err := ri.Get(ctx, m.obj.GetName(), metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return true, nil
			}
			return false, err
		})
		if err != nil {
			return fmt.Errorf("waiting for %s to go: %w", m.key(), err)
		}
	}
	return nil
}
