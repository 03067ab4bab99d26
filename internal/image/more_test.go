package image

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/strata-sec/strata/internal/image/imagetest"
	"github.com/strata-sec/strata/internal/imagefacts"
)

type recordingVerifier struct {
	mu    sync.Mutex
	calls []string
}

func (v *recordingVerifier) Verify(_ context.Context, ref name.Reference, digest v1.Hash, opts ...remote.Option) *imagefacts.Signature {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.calls = append(v.calls, ref.String()+" "+digest.String())
	if len(opts) == 0 {
		return &imagefacts.Signature{Problem: "no remote options passed"}
	}
	return &imagefacts.Signature{Verified: true, Signatures: 1, Key: "test.pub"}
}

func TestVerifierPerReference(t *testing.T) {
	host := imagetest.Registry(t)
	img := alpineImage(t)
	imagetest.Push(t, host+"/a/b:1", img)
	imagetest.Push(t, host+"/c/d:1", img)
	d, _ := img.Digest()
	v := &recordingVerifier{}
	a := New(Options{Verifier: v, CacheDir: t.TempDir()})
	out := a.AnalyzeAll(context.Background(), []string{host + "/a/b:1", host + "/c/d:1"})
	for _, f := range out {
		mustOK(t, f)
		if f.Signature == nil || !f.Signature.Verified {
			t.Errorf("%s: signature %+v", f.Name, f.Signature)
		}
	}
	if len(v.calls) != 2 || !strings.Contains(strings.Join(v.calls, ","), host+"/c/d:1 "+d.String()) {
		t.Errorf("verify calls %v", v.calls)
	}
	// The cache holds no signature; a cached analysis verifies again.
	f := New(Options{Verifier: v, CacheDir: a.opts.CacheDir}).Analyze(context.Background(), host+"/a/b:1")
	if len(v.calls) != 3 || f.Signature == nil {
		t.Errorf("cached analysis: calls %v signature %+v", v.calls, f.Signature)
	}
	dir := ociLayout(t, map[string]v1.Image{"x:1": img})
	if f := New(Options{Verifier: v}).Analyze(context.Background(), "oci:"+dir); f.Signature == nil || f.Signature.Verified || f.Signature.Problem == "" {
		t.Errorf("layout signature %+v", f.Signature)
	}
}

// A registry that does not answer HEAD is read with GET.
func TestRegistryWithoutHead(t *testing.T) {
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	var noHead atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead && noHead.Load() {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		reg.ServeHTTP(w, r)
	}))
	defer srv.Close()
	ref := strings.TrimPrefix(srv.URL, "http://") + "/shop/web:1"
	imagetest.Push(t, ref, alpineImage(t))
	noHead.Store(true)
	f := New(Options{}).Analyze(context.Background(), ref)
	mustOK(t, f)
	if f.OS.ID != "alpine" {
		t.Errorf("os %+v", f.OS)
	}
}

// An index is fetched on every run (its platform choice is not cached), its image is not.
func TestCachedIndex(t *testing.T) {
	srv := imagetest.StartRegistry(t)
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: alpineImage(t), Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}})
	ref := srv.Host + "/multi/x:1"
	imagetest.PushIndex(t, ref, idx)
	cache := t.TempDir()
	mustOK(t, New(Options{CacheDir: cache}).Analyze(context.Background(), ref))
	srv.ResetRequests()
	a := New(Options{CacheDir: cache})
	f := a.Analyze(context.Background(), ref)
	mustOK(t, f)
	if m, b := srv.Requests(); m != 2 || b != 0 || a.Stats().CacheHits != 1 || f.Platform != "linux/amd64" {
		t.Errorf("cached index: %d manifest GETs, %d blob GETs, stats %+v, platform %q", m, b, a.Stats(), f.Platform)
	}
}

func TestDefaultCacheDir(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/x/cache")
	if d, err := DefaultCacheDir(); err != nil || d != filepath.Join("/x/cache", "strata", "images") {
		t.Errorf("%q %v", d, err)
	}
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "/home/u")
	if d, err := DefaultCacheDir(); err != nil || d != "/home/u/.cache/strata/images" {
		t.Errorf("%q %v", d, err)
	}
}

func TestCancelledContext(t *testing.T) {
	host := imagetest.Registry(t)
	imagetest.Push(t, host+"/a/b:1", alpineImage(t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if f := New(Options{}).Analyze(ctx, host+"/a/b:1"); f.Error == "" {
		t.Error("cancelled analysis reported no error")
	}
}
