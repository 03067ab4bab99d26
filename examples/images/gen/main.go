// Command gen writes the OCI layout of examples/images: one small crafted image for every
// image reference in examples/vulnerable and examples/hardened. The files in the images are
// stand-ins (a shell is a few bytes of text named /bin/sh): strata judges images by their
// configuration, paths, modes and package databases, which are real.
//
// Usage: go run ./gen DIR (DIR is examples/images; `go generate ./examples/images` runs it).
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// created is every timestamp in the layout, so regenerating gives identical bytes.
var created = time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)

func main() {
	dir := "."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := generate(dir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// generate rewrites the layout in dir from scratch: old blobs of images no longer generated
// must not linger.
func generate(dir string) error {
	for _, p := range []string{"blobs", "index.json", "oci-layout"} {
		if err := os.RemoveAll(filepath.Join(dir, p)); err != nil {
			return err
		}
	}
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("create layout %s: %w", dir, err)
	}
	for _, s := range images() {
		img, err := s.build()
		if err != nil {
			return fmt.Errorf("build %s: %w", s.refs[0], err)
		}
		refs := s.refs
		if s.pin {
			d, err := img.Digest()
			if err != nil {
				return err
			}
			refs = append(refs, s.refs[0]+"@"+d.String())
		}
		for _, ref := range refs {
			err := lp.AppendImage(img, layout.WithAnnotations(map[string]string{
				"org.opencontainers.image.ref.name": ref,
			}), layout.WithPlatform(v1.Platform{OS: "linux", Architecture: "amd64"}))
			if err != nil {
				return fmt.Errorf("write %s: %w", ref, err)
			}
		}
	}
	return nil
}

// file is one entry of a layer. Parent directories are added as needed.
type file struct {
	path string
	mode int64 // permission bits with setuid/setgid/sticky; 0 means 0755 for dirs, 0644 for files
	body string
	dir  bool
	link string // symlink target
	uid  int
}

// spec is one image: its references as the examples write them, configuration and layers
// (base first).
type spec struct {
	refs       []string
	user       string
	env        []string
	entrypoint []string
	cmd        []string
	ports      []string
	workdir    string
	layers     [][]file
	// pin adds the reference pinned by the image's digest (REF@sha256:...) as a second name,
	// as examples/hardened writes it.
	pin bool
}

func (s spec) build() (v1.Image, error) {
	cfg := &v1.ConfigFile{
		Architecture: "amd64",
		OS:           "linux",
		Created:      v1.Time{Time: created},
		Config: v1.Config{
			User: s.user, Env: s.env, Entrypoint: s.entrypoint, Cmd: s.cmd, WorkingDir: s.workdir,
			Labels: map[string]string{"org.opencontainers.image.description": "strata example stand-in for " + s.refs[0]},
		},
	}
	if len(s.ports) > 0 {
		cfg.Config.ExposedPorts = map[string]struct{}{}
		for _, p := range s.ports {
			cfg.Config.ExposedPorts[p] = struct{}{}
		}
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err := mutate.ConfigFile(img, cfg)
	if err != nil {
		return nil, err
	}
	for i, files := range s.layers {
		data, err := tarOf(files)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", i, err)
		}
		layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(data)), nil
		}, tarball.WithMediaType(types.OCILayer), tarball.WithCompressionLevel(gzip.BestCompression))
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", i, err)
		}
		img, err = mutate.Append(img, mutate.Addendum{Layer: layer, MediaType: types.OCILayer,
			History: v1.History{Created: v1.Time{Time: created}, CreatedBy: "strata examples/images/gen"}})
		if err != nil {
			return nil, err
		}
	}
	return mutate.CreatedAt(img, v1.Time{Time: created})
}

// tarOf writes files, with their missing parent directories, as a tar stream in path order.
func tarOf(files []file) ([]byte, error) {
	byPath := map[string]file{}
	for _, f := range files {
		byPath[f.path] = f
		for d := path.Dir(f.path); d != "/"; d = path.Dir(d) {
			if _, ok := byPath[d]; !ok {
				byPath[d] = file{path: d, dir: true}
			}
		}
	}
	paths := slices.Sorted(func(yield func(string) bool) {
		for p := range byPath {
			if !yield(p) {
				return
			}
		}
	})
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, p := range paths {
		f := byPath[p]
		hdr := &tar.Header{Name: strings.TrimPrefix(p, "/"), ModTime: created, Uid: f.uid, Gid: f.uid, Format: tar.FormatPAX, Mode: f.mode}
		switch {
		case f.dir:
			hdr.Typeflag, hdr.Name = tar.TypeDir, hdr.Name+"/"
			if hdr.Mode == 0 {
				hdr.Mode = 0o755
			}
		case f.link != "":
			hdr.Typeflag, hdr.Linkname, hdr.Mode = tar.TypeSymlink, f.link, 0o777
		default:
			hdr.Typeflag, hdr.Size = tar.TypeReg, int64(len(f.body))
			if hdr.Mode == 0 {
				hdr.Mode = 0o644
			}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if hdr.Typeflag == tar.TypeReg {
			if _, err := io.WriteString(tw, f.body); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
