package image

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/strata-sec/strata/internal/image/imagetest"
	"github.com/strata-sec/strata/internal/imagefacts"
)

func readFile(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// files returns "category path name" for each notable file.
func files(f *imagefacts.Facts) []string {
	var out []string
	for _, fi := range f.Files {
		out = append(out, fi.Category+" "+fi.Path+" "+fi.Name)
	}
	return out
}

func mustOK(t *testing.T, f *imagefacts.Facts) {
	t.Helper()
	if f == nil {
		t.Fatal("nil facts")
	}
	if f.Error != "" {
		t.Fatalf("analysis failed: %s", f.Error)
	}
}

func findPkg(f *imagefacts.Facts, name string) *imagefacts.Package {
	for i := range f.Packages {
		if f.Packages[i].Name == name {
			return &f.Packages[i]
		}
	}
	return nil
}

func TestDebianImageFromRegistry(t *testing.T) {
	host := imagetest.Registry(t)
	ref := host + "/shop/web:1.0"
	imagetest.Push(t, ref, debianImage(t))
	f := New(Options{}).Analyze(context.Background(), ref)
	mustOK(t, f)

	if f.Name != ref || f.Reference != ref || f.Source != SourceRegistry || !strings.HasPrefix(f.Digest, "sha256:") {
		t.Errorf("identity: name %q ref %q source %q digest %q", f.Name, f.Reference, f.Source, f.Digest)
	}
	if f.Kind != imagefacts.KindName || f.APIVersion != imagefacts.APIVersion || f.SchemaVersion != imagefacts.SchemaVersion {
		t.Errorf("type meta %+v schema %q", f.TypeMeta, f.SchemaVersion)
	}
	if f.Platform != "linux/amd64" || f.Layers != 2 || f.Size <= 0 {
		t.Errorf("platform %q layers %d size %d", f.Platform, f.Layers, f.Size)
	}
	c := f.Config
	if c.User != "" || c.UID != 0 || !slices.Equal(c.ExposedPorts, []string{"8080/tcp"}) || c.WorkingDir != "/app" ||
		!slices.Equal(c.Entrypoint, []string{"/app/start"}) || c.Created == "" || c.Labels["org.opencontainers.image.source"] == "" {
		t.Errorf("config %+v", c)
	}
	if !slices.Equal(c.CredentialEnv, []string{"PASSWORD"}) {
		t.Errorf("credential env %v, want [PASSWORD]", c.CredentialEnv)
	}
	if !slices.Equal(c.EnvNames, []string{"PATH", "PASSWORD", "DB_PASSWORD_FILE", "EMPTY_TOKEN"}) {
		t.Errorf("env names %v", c.EnvNames)
	}
	want := []string{
		"shell /bin/bash bash", "shell /bin/dash dash", "shell /bin/sh sh",
		"credential /home/app/.docker/config.json Docker registry credentials",
		"private-key /root/.ssh/id_rsa RSA private key",
		"package-manager /usr/bin/apt apt", "package-manager /usr/bin/apt-get apt-get",
		"network-tool /usr/bin/curl curl", "package-manager /usr/bin/dpkg dpkg",
		"setuid /usr/bin/passwd passwd",
		"interpreter /usr/bin/perl perl", "interpreter /usr/bin/perl5.36.0 perl5.36.0",
		"setgid /usr/bin/wall wall",
		"world-writable-dir /var/uploads ",
	}
	if got := files(f); !slices.Equal(got, want) {
		t.Errorf("files:\n got %q\nwant %q", got, want)
	}
	for _, fi := range f.Files {
		if fi.Path == "/usr/bin/passwd" && (fi.Mode != "4755" || fi.Layer != 0) {
			t.Errorf("passwd file %+v", fi)
		}
	}
	if f.Distroless {
		t.Error("debian image reported distroless")
	}
	if f.OS != (imagefacts.OS{ID: "debian", VersionID: "12", Codename: "bookworm"}) {
		t.Errorf("os %+v", f.OS)
	}
	if len(f.Packages) != 3 {
		t.Fatalf("packages %+v, want libc6, openssl, tzdata", f.Packages)
	}
	ssl := findPkg(f, "openssl")
	if ssl == nil || ssl.Source != "openssl" || ssl.Version != "3.0.11-1~deb12u2" || ssl.Ecosystem != "Debian" ||
		ssl.Distro != "12" || ssl.Path != "/var/lib/dpkg/status" ||
		ssl.PURL != "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12" {
		t.Errorf("openssl %+v", ssl)
	}
	if libc := findPkg(f, "libc6"); libc == nil || libc.Source != "glibc" {
		t.Errorf("libc6 %+v", libc)
	}
	if len(f.PackageErrors) != 0 {
		t.Errorf("package errors %v", f.PackageErrors)
	}
	// Nothing secret leaves the analysis.
	b, _ := json.Marshal(f)
	for _, s := range []string{"hunter2", "PRIVATE KEY", "dXNlcjpodW50ZXIy", "MIIE"} {
		if strings.Contains(string(b), s) {
			t.Errorf("facts contain %q", s)
		}
	}
}

func TestAlpineImage(t *testing.T) {
	dir := ociLayout(t, map[string]v1.Image{"alpine:3.19": alpineImage(t)})
	f := New(Options{}).Analyze(context.Background(), "oci:"+dir+":3.19")
	mustOK(t, f)
	if f.Source != SourceOCILayout || f.Config.UID != 1000 || f.Distroless {
		t.Errorf("source %q uid %d distroless %v", f.Source, f.Config.UID, f.Distroless)
	}
	want := []string{"shell /bin/busybox busybox", "shell /bin/sh sh", "package-manager /sbin/apk apk", "network-tool /usr/bin/wget wget"}
	if got := files(f); !slices.Equal(got, want) {
		t.Errorf("files %q, want %q", got, want)
	}
	crypto := findPkg(f, "libcrypto3")
	if len(f.Packages) != 2 || crypto == nil || crypto.Source != "openssl" || crypto.Ecosystem != "Alpine" ||
		crypto.Distro != "v3.19" || crypto.Version != "3.1.4-r5" ||
		crypto.PURL != "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1" {
		t.Errorf("packages %+v", f.Packages)
	}
}

func TestDistrolessImageWithGoBinary(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "img.tar")
	tag, _ := name.NewTag("gcr.io/distroless/static:nonroot")
	if err := tarball.WriteToFile(file, tag, distrolessImage(t)); err != nil {
		t.Fatal(err)
	}
	a := New(Options{})
	for _, ref := range []string{"docker-archive:" + file, "docker-archive:" + file + ":gcr.io/distroless/static:nonroot"} {
		f := a.Analyze(context.Background(), ref)
		mustOK(t, f)
		if f.Source != SourceTarball || !f.Distroless || f.Config.UID != 65532 || len(f.Files) != 0 {
			t.Errorf("%s: source %q distroless %v uid %d files %v", ref, f.Source, f.Distroless, f.Config.UID, files(f))
		}
		ssl := findPkg(f, "libssl3")
		if ssl == nil || ssl.Source != "openssl" || ssl.Path != "/var/lib/dpkg/status.d/libssl3" || findPkg(f, "base-files") == nil {
			t.Errorf("dpkg status.d packages %+v", f.Packages)
		}
		std, sync := findPkg(f, "stdlib"), findPkg(f, "golang.org/x/sync")
		if std == nil || std.Ecosystem != "Go" || !strings.HasPrefix(std.Version, "v1.") || std.Path != "/app/server" {
			t.Errorf("stdlib %+v", std)
		}
		if sync == nil || sync.Version != "v0.24.0" || sync.PURL != "pkg:golang/golang.org/x/sync@v0.24.0" {
			t.Errorf("x/sync %+v", sync)
		}
		if findPkg(f, "example.com/hello") != nil {
			t.Error("unversioned main module reported")
		}
	}
	if got := a.Analyze(context.Background(), "docker-archive:"+file+":gcr.io/distroless/static:other"); got.Error == "" {
		t.Error("unknown tag in a docker archive did not fail")
	}
}

func TestRPMImage(t *testing.T) {
	host := imagetest.Registry(t)
	imagetest.Push(t, host+"/ubi/minimal:9", rpmImage(t))
	f := New(Options{}).Analyze(context.Background(), host+"/ubi/minimal:9")
	mustOK(t, f)
	if len(f.Packages) != 2 || len(f.PackageErrors) != 0 {
		t.Fatalf("packages %+v errors %v", f.Packages, f.PackageErrors)
	}
	ssl := findPkg(f, "openssl-libs")
	if ssl == nil || ssl.Version != "1:3.0.7-27.el9" || ssl.Source != "openssl" || ssl.Ecosystem != imagefacts.EcosystemRPM ||
		ssl.Distro != "rhel:9.3" || ssl.PURL != "pkg:rpm/rhel/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=rhel-9.3&epoch=1" {
		t.Errorf("openssl-libs %+v", ssl)
	}
	if f.Config.UID != 1001 {
		t.Errorf("uid %d", f.Config.UID)
	}

	// A Berkeley DB rpm database is named, not skipped silently.
	l := imagetest.Layer(t, map[string]F{"/var/lib/rpm/Packages": {Content: "\x00\x06\x15\x61bdb"}})
	imagetest.Push(t, host+"/centos:7", imagetest.Image(t, v1.Config{}, l))
	f = New(Options{}).Analyze(context.Background(), host+"/centos:7")
	mustOK(t, f)
	if len(f.PackageErrors) != 1 || !strings.Contains(f.PackageErrors[0], "rpm database not supported: /var/lib/rpm/Packages") {
		t.Errorf("package errors %v", f.PackageErrors)
	}
}

// ociLayout writes images to a new OCI layout, each annotated with its name.
func ociLayout(t testing.TB, imgs map[string]v1.Image) string {
	dir := t.TempDir()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(imgs))
	for n := range imgs {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := p.AppendImage(imgs[n], layout.WithAnnotations(map[string]string{refNameAnnotation: n})); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestOCILayoutSources(t *testing.T) {
	deb, alp := debianImage(t), alpineImage(t)
	dir := ociLayout(t, map[string]v1.Image{"registry.example/shop/web:1.0": deb, "docker.io/library/alpine:3.19": alp})
	dd, _ := deb.Digest()
	a := New(Options{Layout: dir})
	ctx := context.Background()

	byDigest := a.Analyze(ctx, "oci:"+dir+"@"+dd.String())
	mustOK(t, byDigest)
	if byDigest.Digest != dd.String() || byDigest.OS.ID != "debian" {
		t.Errorf("by digest: %s %+v", byDigest.Digest, byDigest.OS)
	}
	if f := a.Analyze(ctx, "oci:"+dir); !strings.Contains(f.Error, "holds 2 images") {
		t.Errorf("ambiguous layout: %q", f.Error)
	}
	if f := a.Analyze(ctx, "oci:"+dir+":nope"); f.Error == "" || !strings.Contains(f.Error, "oci:"+dir+":nope") {
		t.Errorf("missing tag: %q", f.Error)
	}
	// Registry references are served from the layout: as written, and normalised.
	f := a.Analyze(ctx, "registry.example/shop/web:1.0")
	mustOK(t, f)
	if f.Source != SourceOCILayout || f.Digest != dd.String() {
		t.Errorf("layout-first: source %q digest %q", f.Source, f.Digest)
	}
	f = a.Analyze(ctx, "alpine:3.19")
	mustOK(t, f)
	if f.OS.ID != "alpine" || f.Name != "alpine:3.19" {
		t.Errorf("normalised layout name: %+v %q", f.OS, f.Name)
	}
	// A digest reference matches an entry named with tag and digest.
	pinned := ociLayout(t, map[string]v1.Image{"registry.example/shop/web:1.0@" + dd.String(): deb})
	f = New(Options{Layout: pinned}).Analyze(ctx, "registry.example/shop/web@"+dd.String())
	mustOK(t, f)
	if f.Source != SourceOCILayout || f.Digest != dd.String() {
		t.Errorf("digest reference in layout: %q %q", f.Source, f.Digest)
	}
}

func TestPlatformFromIndex(t *testing.T) {
	host := imagetest.Registry(t)
	amd, arm := debianImage(t), alpineImage(t)
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: arm, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}}},
		mutate.IndexAddendum{Add: amd, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
	)
	ref := host + "/multi/app:2"
	imagetest.PushIndex(t, ref, idx)
	f := New(Options{}).Analyze(context.Background(), ref)
	mustOK(t, f)
	ad, _ := amd.Digest()
	if f.Platform != "linux/amd64" || f.Digest != ad.String() || f.OS.ID != "debian" {
		t.Errorf("default platform: %q %q %q", f.Platform, f.Digest, f.OS.ID)
	}
	f = New(Options{Platform: "linux/arm64"}).Analyze(context.Background(), ref)
	mustOK(t, f)
	if f.Platform != "linux/arm64/v8" || f.OS.ID != "alpine" {
		t.Errorf("arm64: %q %q", f.Platform, f.OS.ID)
	}
	if f := New(Options{Platform: "linux/s390x"}).Analyze(context.Background(), ref); !strings.Contains(f.Error, "no image for platform linux/s390x") {
		t.Errorf("missing platform: %q", f.Error)
	}
}

func TestAnalyzeAllDedupesDigests(t *testing.T) {
	srv := imagetest.StartRegistry(t)
	deb, alp := debianImage(t), alpineImage(t)
	for _, r := range []string{"/shop/web:1.0", "/shop/web:latest", "/mirror/web:1.0"} {
		imagetest.Push(t, srv.Host+r, deb)
	}
	imagetest.Push(t, srv.Host+"/base/alpine:3.19", alp)
	srv.ResetRequests()
	refs := []string{srv.Host + "/shop/web:1.0", srv.Host + "/base/alpine:3.19", srv.Host + "/shop/web:latest",
		srv.Host + "/shop/web:1.0", srv.Host + "/mirror/web:1.0", srv.Host + "/missing/x:1"}
	a := New(Options{Concurrency: 3})
	out := a.AnalyzeAll(context.Background(), refs)
	if len(out) != 5 {
		t.Fatalf("%d facts for 5 distinct references", len(out))
	}
	wantOrder := []string{refs[0], refs[1], refs[2], refs[4], refs[5]}
	for i, f := range out {
		if f.Name != wantOrder[i] {
			t.Errorf("facts %d is %q, want %q", i, f.Name, wantOrder[i])
		}
	}
	if out[0].Digest != out[2].Digest || out[0].Digest != out[3].Digest || out[0].Digest == out[1].Digest {
		t.Error("digests do not match the pushed images")
	}
	if out[4].Error == "" || !strings.Contains(out[4].Error, refs[5]) {
		t.Errorf("missing image: %q", out[4].Error)
	}
	st := a.Stats()
	if st.References != 5 || st.Digests != 2 || st.Analysed != 2 || st.CacheHits != 0 || st.BytesRead == 0 {
		t.Errorf("stats %+v", st)
	}
	// A HEAD per distinct reference; manifest, config and layers once per digest (2+1 and 1+1).
	m, b := srv.Requests()
	if m != 2 || b != 5 || srv.Heads() != 5 {
		t.Errorf("requests: %d manifest GETs, %d blob GETs, %d HEADs; want 2, 5 and 5", m, b, srv.Heads())
	}
}

func TestDiskCache(t *testing.T) {
	srv := imagetest.StartRegistry(t)
	ref := srv.Host + "/shop/web:1.0"
	imagetest.Push(t, ref, debianImage(t))
	cache := filepath.Join(t.TempDir(), "cache")
	ctx := context.Background()

	first := New(Options{CacheDir: cache}).Analyze(ctx, ref)
	mustOK(t, first)
	h, _ := v1.NewHash(first.Digest)
	entry := filepath.Join(cache, h.Algorithm, h.Hex+".json")
	st, err := os.Stat(entry)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("cache entry %v %v", st, err)
	}
	if dst, _ := os.Stat(filepath.Dir(entry)); dst.Mode().Perm() != 0o700 {
		t.Errorf("cache dir mode %v", dst.Mode())
	}

	srv.ResetRequests()
	a := New(Options{CacheDir: cache})
	second := a.Analyze(ctx, ref)
	mustOK(t, second)
	if m, b := srv.Requests(); m != 0 || b != 0 || srv.Heads() != 1 {
		t.Errorf("cached analysis made %d manifest GETs, %d blob GETs, %d HEADs; want 0, 0 and 1", m, b, srv.Heads())
	}
	if st := a.Stats(); st.CacheHits != 1 || st.Analysed != 0 {
		t.Errorf("stats %+v", st)
	}
	if !slices.Equal(files(first), files(second)) || len(second.Packages) != len(first.Packages) || second.Name != ref {
		t.Error("cached facts differ")
	}

	// Corrupt and mismatching entries are ignored and rewritten.
	for _, bad := range []string{"{not json", `{"schemaVersion":"v1","analyzerVersion":"1","digest":"sha256:0000","facts":{}}`} {
		if err := os.WriteFile(entry, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		srv.ResetRequests()
		a := New(Options{CacheDir: cache})
		f := a.Analyze(ctx, ref)
		mustOK(t, f)
		if st := a.Stats(); st.Analysed != 1 || st.CacheHits != 0 {
			t.Errorf("corrupt entry %q: stats %+v", bad, st)
		}
		if _, b := srv.Requests(); b == 0 {
			t.Error("corrupt entry trusted")
		}
		if a.loadCache(h) == nil {
			t.Error("corrupt entry not rewritten")
		}
	}
}

func TestRegistryFailures(t *testing.T) {
	ctx := context.Background()
	srv := imagetest.StartRegistry(t)
	ref := srv.Host + "/shop/web:1.0"
	imagetest.Push(t, ref, alpineImage(t))
	srv.SetFailing(true)
	if f := New(Options{}).Analyze(ctx, ref); !strings.Contains(f.Error, "image "+ref+":") || f.Digest != "" || len(f.Packages) != 0 {
		t.Errorf("failing registry: %+v", f)
	}
	srv.SetFailing(false)

	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/manifests/") {
			w.Header().Set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
		}
		_, _ = w.Write([]byte("\x00\xffgarbage{{{"))
	}))
	defer garbage.Close()
	gref := strings.TrimPrefix(garbage.URL, "http://") + "/x/y:1"
	if f := New(Options{}).Analyze(ctx, gref); f.Error == "" || !strings.Contains(f.Error, gref) {
		t.Errorf("garbage registry: %q", f.Error)
	}
	if f := New(Options{}).Analyze(ctx, "UPPER/Case::bad"); !strings.Contains(f.Error, "parse reference") {
		t.Errorf("bad reference: %q", f.Error)
	}
}

func TestMalformedLayer(t *testing.T) {
	host := imagetest.Registry(t)
	notTar := imagetest.LayerFromTar(t, []byte(strings.Repeat("this is not a tar stream ", 100)))
	imagetest.Push(t, host+"/bad/layer:1", imagetest.Image(t, v1.Config{}, notTar))
	f := New(Options{}).Analyze(context.Background(), host+"/bad/layer:1")
	if !strings.Contains(f.Error, "layer 0") || len(f.Files) != 0 {
		t.Errorf("malformed layer: %q", f.Error)
	}
	big := imagetest.Layer(t, map[string]F{"/a": {Content: strings.Repeat("x", 4096)}, "/b": {}, "/c": {}})
	imagetest.Push(t, host+"/big/layer:1", imagetest.Image(t, v1.Config{}, big))
	if f := New(Options{MaxTotalBytes: 1024}).Analyze(context.Background(), host+"/big/layer:1"); !strings.Contains(f.Error, "size limit") {
		t.Errorf("size limit: %q", f.Error)
	}
	if f := New(Options{MaxEntries: 2}).Analyze(context.Background(), host+"/big/layer:1"); !strings.Contains(f.Error, "more than 2 entries") {
		t.Errorf("entry limit: %q", f.Error)
	}
}

type fakeMatcher struct {
	mu    sync.Mutex
	calls int
}

func (m *fakeMatcher) Match(pkgs []imagefacts.Package, os imagefacts.OS) ([]imagefacts.Vulnerability, *imagefacts.VulnDB, error) {
	m.mu.Lock()
	m.calls++
	m.mu.Unlock()
	var out []imagefacts.Vulnerability
	for _, p := range pkgs {
		if p.Name == "openssl" && os.ID == "debian" {
			out = append(out, imagefacts.Vulnerability{ID: "CVE-2024-0001", Package: p.Name, Installed: p.Version, Ecosystem: p.Ecosystem, Severity: "high"})
		}
	}
	return out, &imagefacts.VulnDB{Name: "test", Records: 1}, nil
}

func TestMatcherRunsOnCachedFacts(t *testing.T) {
	host := imagetest.Registry(t)
	ref := host + "/shop/web:1.0"
	imagetest.Push(t, ref, debianImage(t))
	cache := t.TempDir()
	m := &fakeMatcher{}
	for i := 0; i < 2; i++ {
		f := New(Options{CacheDir: cache, Matcher: m}).Analyze(context.Background(), ref)
		mustOK(t, f)
		if len(f.Vulnerabilities) != 1 || f.VulnDB == nil {
			t.Errorf("run %d: vulnerabilities %+v", i, f.Vulnerabilities)
		}
	}
	if m.calls != 2 {
		t.Errorf("matcher called %d times", m.calls)
	}
	h, _ := v1.NewHash(New(Options{}).Analyze(context.Background(), ref).Digest)
	if b := readFile(t, filepath.Join(cache, h.Algorithm, h.Hex+".json")); strings.Contains(string(b), "CVE-2024-0001") {
		t.Error("vulnerabilities were cached")
	}
}
