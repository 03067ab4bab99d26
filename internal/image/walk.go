package image

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Whiteout markers of the OCI image layer specification.
const (
	whiteoutPrefix = ".wh."
	whiteoutOpaque = ".wh..wh..opq"
	// maxPathLen rejects tar headers with absurd names.
	maxPathLen = 4096
	// maxLinkHops bounds symlink resolution.
	maxLinkHops = 16
)

// entry kinds remembered for every visible path.
const (
	kindDir byte = iota + 1
	kindFile
	kindLink
	kindOther
)

// visitor receives each visible entry of the flattened filesystem exactly once, top layer
// first. r reads the entry's content; a visitor that does not read it leaves it unread.
type visitor interface {
	visit(hdr *tar.Header, p string, layer int, r io.Reader) error
}

// flattener walks layers from the top down and tells which entries survive in the flattened
// filesystem: a path seen in a higher layer, removed by a whiteout, under an opaque directory,
// or under a path a higher layer made a non-directory is hidden.
type flattener struct {
	kinds   map[string]byte   // visible paths and what they are
	links   map[string]string // visible symlinks and their targets
	deleted map[string]bool   // whiteouts of higher layers (the path and below)
	opaque  map[string]bool   // opaque directories of higher layers (below only)
	entries int
	total   int64
	maxEnt  int
	maxTot  int64
}

func newFlattener(maxEntries int, maxTotal int64) *flattener {
	return &flattener{
		kinds: map[string]byte{}, links: map[string]string{},
		deleted: map[string]bool{}, opaque: map[string]bool{},
		maxEnt: maxEntries, maxTot: maxTotal,
	}
}

// errTooLarge is returned when the image exceeds the configured total.
var errTooLarge = errors.New("image exceeds the uncompressed size limit")

// countingReader counts bytes and fails once the image's total budget is spent.
type countingReader struct {
	r io.Reader
	f *flattener
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.f.total += int64(n)
	if c.f.total > c.f.maxTot {
		return n, errTooLarge
	}
	return n, err
}

// walk reads every layer, top first, and calls v for each visible entry.
func (f *flattener) walk(ctx context.Context, layers []v1.Layer, v visitor) error {
	for i := len(layers) - 1; i >= 0; i-- {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := f.walkLayer(ctx, layers[i], i, v); err != nil {
			return fmt.Errorf("layer %d: %w", i, err)
		}
	}
	return nil
}

func (f *flattener) walkLayer(ctx context.Context, l v1.Layer, idx int, v visitor) (err error) {
	rc, err := l.Uncompressed()
	if err != nil {
		return err
	}
	defer func() {
		if cerr := rc.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	tr := tar.NewReader(&countingReader{r: rc, f: f})
	var delPending, opqPending []string
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read tar: %w", err)
		}
		f.entries++
		if f.entries%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if f.entries > f.maxEnt {
			return fmt.Errorf("more than %d entries", f.maxEnt)
		}
		if len(hdr.Name) > maxPathLen || len(hdr.Linkname) > maxPathLen {
			return fmt.Errorf("tar entry name longer than %d bytes", maxPathLen)
		}
		if hdr.Size < 0 {
			return fmt.Errorf("tar entry %q has a negative size", hdr.Name)
		}
		p := cleanPath(hdr.Name)
		if p == "/" {
			continue
		}
		dir, base := path.Split(p)
		dir = path.Clean(dir)
		if base == whiteoutOpaque {
			opqPending = append(opqPending, dir)
			continue
		}
		if strings.HasPrefix(base, whiteoutPrefix) {
			delPending = append(delPending, path.Join(dir, strings.TrimPrefix(base, whiteoutPrefix)))
			continue
		}
		if !f.visible(p) {
			continue
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			f.kinds[p] = kindDir
		case tar.TypeReg, tar.TypeLink, tar.TypeGNUSparse, '\x00': // regular-like ('\x00' is the old regular type)
			f.kinds[p] = kindFile
		case tar.TypeSymlink:
			f.kinds[p] = kindLink
			f.links[p] = hdr.Linkname
		default:
			f.kinds[p] = kindOther
		}
		if err := v.visit(hdr, p, idx, tr); err != nil {
			return err
		}
	}
	// Drain what follows the tar end marker so the layer digest is verified.
	if _, err := io.Copy(io.Discard, &countingReader{r: rc, f: f}); err != nil {
		return err
	}
	// Whiteouts apply to lower layers only.
	for _, d := range delPending {
		f.deleted[d] = true
	}
	for _, d := range opqPending {
		f.opaque[d] = true
	}
	return nil
}

// visible reports whether p, met in the current layer, is part of the flattened filesystem.
func (f *flattener) visible(p string) bool {
	if _, ok := f.kinds[p]; ok || f.deleted[p] {
		return false
	}
	for i := len(p) - 1; i > 0; i-- {
		if p[i] != '/' {
			continue
		}
		a := p[:i]
		if f.deleted[a] || f.opaque[a] {
			return false
		}
		if k, ok := f.kinds[a]; ok && k != kindDir {
			return false
		}
	}
	return true
}

// resolve follows symlinks in p (in every component) and returns the final path and its kind
// (0 when it does not exist).
func (f *flattener) resolve(p string) (string, byte) {
	parts := splitPath(p)
	hops := 0
	cur := ""
	for i := 0; i < len(parts); i++ {
		next := cur + "/" + parts[i]
		if t, ok := f.links[next]; ok {
			hops++
			if hops > maxLinkHops {
				return "", 0
			}
			base := cur
			if base == "" {
				base = "/"
			}
			target := t
			if !path.IsAbs(t) {
				target = path.Join(base, t)
			}
			parts = append(splitPath(target), parts[i+1:]...)
			cur = ""
			i = -1
			continue
		}
		cur = next
	}
	if cur == "" {
		return "/", kindDir
	}
	return cur, f.kinds[cur]
}

func splitPath(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		switch s {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
		}
	}
	return out
}

// cleanPath makes a tar name absolute and clean; ".." cannot climb above the root.
func cleanPath(name string) string {
	return path.Clean("/" + name)
}
