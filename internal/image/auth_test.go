package image

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/registry"

	"github.com/strata-sec/strata/internal/image/imagetest"
)

// recordingKeychain hands out basic credentials and records which registries asked.
type recordingKeychain struct {
	mu         sync.Mutex
	registries []string
}

func (k *recordingKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.registries = append(k.registries, r.RegistryStr())
	return &authn.Basic{Username: "robot", Password: "s3cret"}, nil
}

// countingTransport counts the requests that go through it.
type countingTransport struct {
	mu sync.Mutex
	n  int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func TestKeychainAndTransport(t *testing.T) {
	// A registry that demands credentials once the image is pushed.
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	var mu sync.Mutex
	var authorised int
	var requireAuth atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requireAuth.Load() {
			u, p, ok := r.BasicAuth()
			if !ok || u != "robot" || p != "s3cret" {
				w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			mu.Lock()
			authorised++
			mu.Unlock()
		}
		reg.ServeHTTP(w, r)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	ref := host + "/private/app:1"
	imagetest.Push(t, ref, alpineImage(t))
	requireAuth.Store(true)

	if f := New(Options{Keychain: authn.NewMultiKeychain()}).Analyze(context.Background(), ref); f.Error == "" {
		t.Fatal("analysis without credentials succeeded")
	}
	kc, tr := &recordingKeychain{}, &countingTransport{}
	f := New(Options{Keychain: kc, Transport: tr}).Analyze(context.Background(), ref)
	mustOK(t, f)
	mu.Lock()
	got := authorised
	mu.Unlock()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if got == 0 || tr.n == 0 {
		t.Errorf("authorised requests %d, transport requests %d", got, tr.n)
	}
	for _, r := range kc.registries {
		if r != host {
			t.Errorf("credentials asked for %q, want only %q", r, host)
		}
	}
}
