// Package imagetest builds container images and serves them from an in-process registry for
// tests: layers from a map of paths, images from layers and a configuration, a loopback
// registry that counts manifest and blob requests, and small real Go binaries.
package imagetest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// File is one entry of a layer. The zero value is an empty regular file with mode 0644.
// Whiteouts are ordinary entries by name: "dir/.wh.name" deletes dir/name of lower layers and
// "dir/.wh..wh..opq" hides everything of lower layers under dir.
type File struct {
	// Content of a regular file.
	Content string
	// Mode holds permission and setuid/setgid/sticky bits (0o4755); 0 means 0644 for files
	// and 0755 for directories.
	Mode int64
	// UID and GID own the entry.
	UID, GID int
	// Dir makes a directory; Link a symbolic link to Link.
	Dir  bool
	Link string
}

// Modified is the time stamp of every entry, so images are reproducible.
var Modified = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// Tar returns the uncompressed tar stream of files, in path order.
func Tar(t testing.TB, files map[string]File) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		f := files[p]
		hdr := &tar.Header{Name: strings.TrimPrefix(p, "/"), Uid: f.UID, Gid: f.GID, ModTime: Modified, Mode: f.Mode}
		switch {
		case f.Dir:
			hdr.Typeflag = tar.TypeDir
			if hdr.Mode == 0 {
				hdr.Mode = 0o755
			}
		case f.Link != "":
			hdr.Typeflag, hdr.Linkname, hdr.Mode = tar.TypeSymlink, f.Link, 0o777
		default:
			hdr.Typeflag, hdr.Size = tar.TypeReg, int64(len(f.Content))
			if hdr.Mode == 0 {
				hdr.Mode = 0o644
			}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatalf("tar %s: %v", p, err)
		}
		if _, err := io.WriteString(tw, f.Content); err != nil && hdr.Typeflag == tar.TypeReg {
			t.Fatalf("tar %s: %v", p, err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Layer returns a gzip-compressed layer holding files.
func Layer(t testing.TB, files map[string]File) v1.Layer {
	t.Helper()
	return LayerFromTar(t, Tar(t, files))
}

// LayerFromTar returns a gzip-compressed layer of an uncompressed tar stream.
func LayerFromTar(t testing.TB, tarData []byte) v1.Layer {
	t.Helper()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(tarData)), nil
	}, tarball.WithCompressionLevel(gzip.BestSpeed))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Image returns a linux/amd64 image of the layers (base first) with the configuration cfg.
func Image(t testing.TB, cfg v1.Config, layers ...v1.Layer) v1.Image {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Config = "linux", "amd64", cfg
	cf.Created = v1.Time{Time: Modified}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// Server is an in-process registry on loopback that counts what it serves.
type Server struct {
	// Host is "127.0.0.1:PORT", to put in front of repository names.
	Host string
	// URL is the server's base URL.
	URL                                 string
	manifests, blobs, heads, errorCount atomic.Int64
	failing                             atomic.Bool
}

// Registry starts a registry for the test and returns its host.
func Registry(t testing.TB) string {
	return StartRegistry(t).Host
}

// StartRegistry starts a registry for the test; it stops when the test ends.
func StartRegistry(t testing.TB) *Server {
	t.Helper()
	s := &Server{}
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.failing.Load() {
			s.errorCount.Add(1)
			http.Error(w, "registry unavailable", http.StatusServiceUnavailable)
			return
		}
		if r.Method == http.MethodGet {
			switch {
			case strings.Contains(r.URL.Path, "/manifests/"):
				s.manifests.Add(1)
			case strings.Contains(r.URL.Path, "/blobs/"):
				s.blobs.Add(1)
			}
		}
		if r.Method == http.MethodHead && strings.Contains(r.URL.Path, "/manifests/") {
			s.heads.Add(1)
		}
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	s.Host = strings.TrimPrefix(srv.URL, "http://")
	return s
}

// Requests returns how many manifest and blob GET requests the registry served.
func (s *Server) Requests() (manifests, blobs int64) {
	return s.manifests.Load(), s.blobs.Load()
}

// Heads returns how many manifest HEAD requests the registry served.
func (s *Server) Heads() int64 { return s.heads.Load() }

// ResetRequests sets the request counts to zero.
func (s *Server) ResetRequests() {
	s.manifests.Store(0)
	s.blobs.Store(0)
	s.heads.Store(0)
}

// SetFailing makes every request fail with 503 while on is true.
func (s *Server) SetFailing(on bool) { s.failing.Store(on) }

// Push uploads img as ref ("127.0.0.1:PORT/shop/web:1.0").
func Push(t testing.TB, ref string, img v1.Image) {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}
}

// PushIndex uploads a multi-platform index as ref.
func PushIndex(t testing.TB, ref string, idx v1.ImageIndex) {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(r, idx); err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}
}

// GoBinary builds a small static linux/amd64 Go program from the source of its main.go and
// returns the executable. requires lists modules ("golang.org/x/sync@v0.24.0") the program
// imports; they come from the module cache or the configured module proxy, without checksum
// database look-ups (the program is a test fixture, never run).
func GoBinary(t testing.TB, mainGo string, requires ...string) []byte {
	t.Helper()
	goTool := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if os.Getenv("GOROOT") == "" {
		var err error
		if goTool, err = exec.LookPath("go"); err != nil {
			t.Fatalf("go toolchain not found: %v", err)
		}
	}
	dir := t.TempDir()
	mod := "module example.com/hello\n\ngo 1.22\n"
	for _, r := range requires {
		p, v, _ := strings.Cut(r, "@")
		mod += "require " + p + " " + v + "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(mainGo), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "hello")
	cmd := exec.Command(goTool, "build", "-trimpath", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOWORK=off",
		"GOFLAGS=-mod=mod -buildvcs=false", "GOSUMDB=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
