package manifest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func sa(name string) string {
	return "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: " + name + "\n"
}

func names(res *Result) string {
	var n []string
	for _, o := range res.Objects {
		n = append(n, o.Ref.Name)
	}
	return strings.Join(n, ",")
}

func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "b.yaml"), sa("b"))
	writeFile(t, filepath.Join(dir, "a.YML"), sa("a"))
	writeFile(t, filepath.Join(dir, "sub", "c.json"), `{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "c"}}`)
	writeFile(t, filepath.Join(dir, "sub", "deeper", "d.yaml"), sa("d"))
	writeFile(t, filepath.Join(dir, "notes.txt"), sa("ignored"))
	writeFile(t, filepath.Join(dir, "README.md"), "# not a manifest")
	// An OCI image layout (strata scan --image-layout) is image data, not manifests.
	writeFile(t, filepath.Join(dir, "images", "oci-layout"), `{"imageLayoutVersion": "1.0.0"}`)
	writeFile(t, filepath.Join(dir, "images", "index.json"), `{"schemaVersion": 2, "manifests": []}`)
	writeFile(t, filepath.Join(dir, "images", "blobs", "sha256", "x.json"), `{}`)
	res, err := Load(context.Background(), []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 || res.Files != 4 {
		t.Fatalf("errors %v, %d files", res.Errors, res.Files)
	}
	if got := names(res); got != "a,b,c,d" {
		t.Errorf("loaded %s, want a,b,c,d in path order", got)
	}
	if src := res.Objects[2].Source; src.File != filepath.Join(dir, "sub", "c.json") || src.Line != 1 {
		t.Errorf("source %+v", src)
	}
}

func TestLoadSymlinks(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "real", "x.yaml"), sa("x"))
	links := map[string]string{
		filepath.Join(dir, "real", "loop"):   filepath.Join(dir, "real"), // a directory loop
		filepath.Join(dir, "linked"):         filepath.Join(dir, "real"), // the same directory again
		filepath.Join(dir, "alias.yaml"):     filepath.Join(dir, "real", "x.yaml"),
		filepath.Join(dir, "dangling.yaml"):  filepath.Join(dir, "missing.yaml"),
		filepath.Join(dir, "dangling.other"): filepath.Join(dir, "missing.other"),
	}
	for link, target := range links {
		if err := os.Symlink(target, link); err != nil {
			t.Skipf("symlinks unsupported: %v", err)
		}
	}
	done := make(chan *Result)
	go func() {
		res, _ := Load(context.Background(), []string{dir}, Options{})
		done <- res
	}()
	var res *Result
	select {
	case res = <-done:
	case <-t.Context().Done():
		t.Fatal("Load did not finish")
	}
	if got := names(res); got != "x" {
		t.Errorf("loaded %q, want x once", got)
	}
	if len(res.Errors) != 1 || res.Errors[0].File != filepath.Join(dir, "dangling.yaml") {
		t.Errorf("errors %v, want one for dangling.yaml", res.Errors)
	}
}

func TestLoadMissingPath(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "ok.yaml"), sa("ok"))
	missing := filepath.Join(dir, "nope.yaml")
	res, err := Load(context.Background(), []string{missing, dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 1 || res.Errors[0].File != missing || !strings.Contains(res.Errors[0].Message, "no such file") {
		t.Errorf("errors %v, want one naming %s", res.Errors, missing)
	}
	if names(res) != "ok" {
		t.Errorf("the other path was not loaded: %s", names(res))
	}
}

func TestLoadStdin(t *testing.T) {
	tests := []struct {
		name  string
		stdin *strings.Reader
		want  string
		err   string
	}{
		{"objects", strings.NewReader(sa("in") + "---\n" + sa("put")), "in,put", ""},
		{"no reader", nil, "", "no standard input"},
		{"too large", strings.NewReader(sa("big") + strings.Repeat("# pad\n", 100)), "", "200-byte limit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{MaxFileBytes: 200}
			if tc.stdin != nil {
				opts.Stdin = tc.stdin
			}
			res, err := Load(context.Background(), []string{"-"}, opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(res); got != tc.want {
				t.Errorf("loaded %q, want %q", got, tc.want)
			}
			if tc.err == "" && len(res.Errors) > 0 || tc.err != "" && (len(res.Errors) != 1 ||
				res.Errors[0].File != "<stdin>" || !strings.Contains(res.Errors[0].Message, tc.err)) {
				t.Errorf("errors %v, want %q", res.Errors, tc.err)
			}
			if tc.want != "" && res.Objects[0].Source.File != "<stdin>" {
				t.Errorf("source %+v", res.Objects[0].Source)
			}
		})
	}
}

func TestLoadSizeCap(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	writeFile(t, big, sa("big")+strings.Repeat("# padding\n", 200))
	writeFile(t, filepath.Join(dir, "small.yaml"), sa("small"))
	res, err := Load(context.Background(), []string{dir}, Options{MaxFileBytes: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 1 || res.Errors[0].File != big || !strings.Contains(res.Errors[0].Message, "1024-byte limit") {
		t.Errorf("errors %v, want big.yaml over the 1024-byte limit", res.Errors)
	}
	if names(res) != "small" {
		t.Errorf("loaded %s, want small", names(res))
	}
}

func TestLoadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, []string{t.TempDir()}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestLoadSameFileTwice(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "a.yaml")
	writeFile(t, f, sa("a"))
	res, _ := Load(context.Background(), []string{f, dir, f}, Options{})
	if names(res) != "a" || res.Files != 1 {
		t.Errorf("loaded %q from %d files, want a once", names(res), res.Files)
	}
}

func TestLoadKeepsOrderAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	var want, wantErrs []string
	for i := range 40 {
		name := filepath.Join(dir, fmt.Sprintf("f%02d.yaml", i))
		content := sa(fmt.Sprintf("o%02d", i))
		want = append(want, fmt.Sprintf("o%02d", i))
		if i%7 == 0 {
			content += "---\nnot: an object\n"
			wantErrs = append(wantErrs, name)
		}
		writeFile(t, name, content)
	}
	res, err := Load(context.Background(), []string{dir, "-", "-"}, Options{Parallelism: 4, Stdin: strings.NewReader(sa("stdin"))})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(res); got != strings.Join(append(want, "stdin"), ",") {
		t.Errorf("order %s", got)
	}
	var gotErrs []string
	for _, e := range res.Errors {
		gotErrs = append(gotErrs, e.File)
	}
	if strings.Join(gotErrs, ",") != strings.Join(wantErrs, ",") {
		t.Errorf("errors from %v, want %v", gotErrs, wantErrs)
	}
	if res.Files != 42 {
		t.Errorf("read %d files, want 42 (the second \"-\" finds stdin empty)", res.Files)
	}
}

func TestSecretsAreMetadataOnly(t *testing.T) {
	objs, errs := Decode("s.yaml", []byte(`apiVersion: v1
kind: Secret
metadata:
  name: db
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"stringData":{"password":"hunter2"}}'
    team: shop
stringData:
  password: hunter2
data:
  token: aHVudGVyMg==
`))
	if len(errs) > 0 || len(objs) != 1 {
		t.Fatalf("objs %d errs %v", len(objs), errs)
	}
	s := objs[0].Obj.(*corev1.Secret)
	if s.Data != nil || s.StringData != nil {
		t.Errorf("secret values kept: %v %v", s.Data, s.StringData)
	}
	if _, ok := s.Annotations[corev1.LastAppliedConfigAnnotation]; ok || s.Annotations["team"] != "shop" {
		t.Errorf("annotations %v", s.Annotations)
	}
}
