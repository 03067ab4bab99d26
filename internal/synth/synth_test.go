package synth

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/strata-sec/strata/internal/inventory/manifest"
	"github.com/strata-sec/strata/internal/podspec"
)

func generate(t *testing.T, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Generate(&buf, opts); err != nil {
		t.Fatalf("Generate(%+v): %v", opts, err)
	}
	return buf.Bytes()
}

func TestGenerateParsesIntoExactlyTheRequestedObjects(t *testing.T) {
	const workloads, others = 300, 120
	data := generate(t, Options{Workloads: workloads, Others: others, Seed: 7})
	objs, errs := manifest.Decode("synth.yaml", data)
	if len(errs) > 0 {
		t.Fatalf("output does not decode: %+v", errs)
	}
	if len(objs) != workloads+others {
		t.Fatalf("decoded %d objects, want %d", len(objs), workloads+others)
	}
	kinds := map[string]int{}
	seen := map[string]bool{}
	gotWorkloads := 0
	for i, o := range objs {
		kinds[o.Ref.Kind]++
		if seen[o.Ref.String()] {
			t.Errorf("duplicate object %s", o.Ref)
		}
		seen[o.Ref.String()] = true
		if _, ok := o.Obj.(*unstructured.Unstructured); ok {
			t.Errorf("%s decoded as unstructured: a typo in a field or kind", o.Ref)
		}
		if _, ok := podspec.Extract(o.Obj); ok {
			gotWorkloads++
			if i >= workloads {
				t.Errorf("workload %s after the other objects (index %d)", o.Ref, i)
			}
		}
	}
	if gotWorkloads != workloads {
		t.Errorf("got %d workload objects, want %d", gotWorkloads, workloads)
	}
	for _, k := range []string{"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod",
		"Service", "ConfigMap", "ServiceAccount", "Role", "RoleBinding", "NetworkPolicy"} {
		if kinds[k] == 0 {
			t.Errorf("no %s in the output (kinds: %v)", k, kinds)
		}
	}
}

// TestEveryFieldIsAKnownAPIField decodes each document strictly: the ordinary decoder drops
// unknown fields, so a misspelt or misplaced field would otherwise go unnoticed.
func TestEveryFieldIsAKnownAPIField(t *testing.T) {
	err := Emit(Options{Workloads: 400, Others: 200, Seed: 11}, func(doc []byte) error {
		objs, errs := manifest.Decode("doc.yaml", doc)
		if len(errs) > 0 || len(objs) != 1 {
			return fmt.Errorf("document does not decode to one object: %+v\n%s", errs, doc)
		}
		typed := reflect.New(reflect.TypeOf(objs[0].Obj).Elem()).Interface()
		if err := yaml.UnmarshalStrict(doc, typed); err != nil {
			return fmt.Errorf("%s: %w\n%s", objs[0].Ref, err, doc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestGenerateIsDeterministicPerSeed(t *testing.T) {
	a := generate(t, Options{Workloads: 150, Others: 50, Seed: 42})
	b := generate(t, Options{Workloads: 150, Others: 50, Seed: 42})
	if !bytes.Equal(a, b) {
		t.Fatal("two runs with the same seed differ")
	}
	c := generate(t, Options{Workloads: 150, Others: 50, Seed: 43})
	if bytes.Equal(a, c) {
		t.Fatal("different seeds give the same output")
	}
}

func TestEmitYieldsTheDocumentsOfGenerate(t *testing.T) {
	opts := Options{Workloads: 40, Others: 10, Seed: 3}
	var docs []string
	if err := Emit(opts, func(doc []byte) error {
		docs = append(docs, string(doc))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(docs) != 50 {
		t.Fatalf("Emit yielded %d documents, want 50", len(docs))
	}
	if got, want := strings.Join(docs, "---\n"), string(generate(t, opts)); got != want {
		t.Fatal("joined Emit documents differ from Generate output")
	}
	stop := errors.New("stop")
	n := 0
	err := Emit(opts, func([]byte) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("Emit after a callback error: err=%v after %d calls, want the callback error after 1", err, n)
	}
}

// TestWorkloadsMixHardenedAndRiskySettings guards the point of the generator: checks must
// find both passing and failing objects in it.
func TestWorkloadsMixHardenedAndRiskySettings(t *testing.T) {
	objs, errs := manifest.Decode("synth.yaml", generate(t, Options{Workloads: 500, Seed: 1}))
	if len(errs) > 0 {
		t.Fatalf("output does not decode: %+v", errs)
	}
	count := map[string]int{}
	namespaces := map[string]bool{}
	for _, o := range objs {
		namespaces[o.Ref.Namespace] = true
		tmpl, ok := podspec.Extract(o.Obj)
		if !ok {
			t.Fatalf("%s embeds no pod spec", o.Ref)
		}
		tally(count, tmpl.Spec)
	}
	for _, feature := range []string{"privileged", "hostPath", "hostNetwork", "literal AKIA key",
		"secretKeyRef", "seccomp RuntimeDefault", "no limits", "limits", "digest", "latest",
		"drop ALL", "sidecar"} {
		if count[feature] == 0 {
			t.Errorf("no workload with %s (counts: %v)", feature, count)
		}
	}
	if len(namespaces) < 8 {
		t.Errorf("objects spread over %d namespaces, want at least 8", len(namespaces))
	}
}

func tally(count map[string]int, spec *corev1.PodSpec) {
	if spec.HostNetwork {
		count["hostNetwork"]++
	}
	if len(spec.Containers) > 1 {
		count["sidecar"]++
	}
	if sc := spec.SecurityContext; sc != nil && sc.SeccompProfile != nil && sc.SeccompProfile.Type == corev1.SeccompProfileTypeRuntimeDefault {
		count["seccomp RuntimeDefault"]++
	}
	for _, v := range spec.Volumes {
		if v.HostPath != nil {
			count["hostPath"]++
		}
	}
	for c := range podspec.Containers(spec, nil) {
		ctr := c.Container
		if sc := ctr.SecurityContext; sc != nil {
			if sc.Privileged != nil && *sc.Privileged {
				count["privileged"]++
			}
			if sc.Capabilities != nil && len(sc.Capabilities.Drop) == 1 && sc.Capabilities.Drop[0] == "ALL" {
				count["drop ALL"]++
			}
		}
		if ctr.Resources.Limits.Memory().IsZero() {
			count["no limits"]++
		} else {
			count["limits"]++
		}
		switch {
		case strings.Contains(ctr.Image, "@sha256:"):
			count["digest"]++
		case strings.HasSuffix(ctr.Image, ":latest"):
			count["latest"]++
		}
		for _, e := range ctr.Env {
			if strings.HasPrefix(e.Value, "AKIA") && strings.HasSuffix(e.Value, "EXAMPLE") && len(e.Value) == 20 {
				count["literal AKIA key"]++
			}
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				count["secretKeyRef"]++
			}
		}
	}
}

func TestWorkloadsAverageAboutSixtyLines(t *testing.T) {
	const n = 1000
	lines := bytes.Count(generate(t, Options{Workloads: n, Seed: 5}), []byte("\n"))
	avg := float64(lines) / n
	t.Logf("%.1f lines per workload", avg)
	if avg < 40 || avg > 80 {
		t.Errorf("%.1f lines per workload, want 40 to 80 (the shape benchmarks are quoted for)", avg)
	}
}

func TestGenerateRejectsNegativeCounts(t *testing.T) {
	for _, opts := range []Options{{Workloads: -1}, {Others: -1}, {Namespaces: -2}} {
		if err := Generate(&bytes.Buffer{}, opts); err == nil {
			t.Errorf("Generate(%+v) succeeded, want an error", opts)
		}
	}
}

func TestStrQuotesAmbiguousScalars(t *testing.T) {
	for in, want := range map[string]string{
		"nginx:latest": "nginx:latest", "/var/log": "/var/log", "true": `"true"`, "No": `"No"`,
		"8080": `"8080"`, "1.4.2": `"1.4.2"`, "a b": `"a b"`, "a,b": `"a,b"`, "key:": `"key:"`, "": `""`,
	} {
		if got := str(in); got != want {
			t.Errorf("str(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestWriteFilesSplitsTheStreamInOrder(t *testing.T) {
	opts := Options{Workloads: 95, Others: 10, Seed: 9}
	dir := t.TempDir()
	paths, err := WriteFiles(dir, 10, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 10 {
		t.Fatalf("wrote %d files, want 10", len(paths))
	}
	var parts []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, string(b))
	}
	if strings.Join(parts, "---\n") != string(generate(t, opts)) {
		t.Fatal("files joined in order differ from the single-stream output")
	}
	if _, err := WriteFiles(dir, 0, opts); err == nil {
		t.Error("WriteFiles with 0 files succeeded, want an error")
	}
}
