package container

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
)

// imageRef is an image reference split into the parts as written. A part that the reference
// leaves out is empty: strata must know what the manifest says, not what a runtime fills in.
type imageRef struct {
	// Registry is the registry host (with port) when the reference names one, else "".
	Registry string
	// Repository is the path within the registry, without registry, tag or digest.
	Repository string
	// Tag is the tag as written, "" when there is none.
	Tag string
	// Digest is the content digest ("sha256:..."), "" when there is none.
	Digest string
}

// Pinned reports whether the reference names content by digest; a tag beside it is ignored by
// the runtime.
func (r imageRef) Pinned() bool { return r.Digest != "" }

// Latest reports whether the reference, unpinned, resolves through the latest tag: explicitly,
// or implicitly because it has no tag.
func (r imageRef) Latest() bool { return !r.Pinned() && (r.Tag == "" || r.Tag == "latest") }

// parseImage splits and validates an image reference.
//
// The registry host is recognised with the rule the kubelet and containerd use (the Docker
// reference normalisation): the first path component is a host when another component follows
// and it contains '.' or ':', is "localhost", or has an upper-case letter (repository paths must
// be lower-case, host names need not be). go-containerregistry validates the reference, but it
// always fills in index.docker.io and "latest", so it cannot say what the reference left out,
// and it does not know the upper-case host rule; hence the split here and validation of a
// form with the host lower-cased.
func parseImage(s string) (imageRef, error) {
	if r, ok := parsed.get(s); ok {
		return r.ref, r.err
	}
	r, err := splitImage(s)
	parsed.put(s, parsedImage{r, err})
	return r, err
}

// parsedImage is one memoised result of parseImage.
type parsedImage struct {
	ref imageRef
	err error
}

// imageMemo remembers parseImage's results. Five checks parse every container's image, and a
// cluster runs few distinct images in many pods, so validating each distinct reference once
// takes reference parsing from a tenth of a large scan to nothing. The function is pure, so
// the memo changes no result; it stops growing at maxMemo entries.
type imageMemo struct {
	mu sync.RWMutex
	m  map[string]parsedImage
}

const maxMemo = 1 << 14

var parsed = &imageMemo{m: map[string]parsedImage{}}

func (c *imageMemo) get(s string) (parsedImage, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	r, ok := c.m[s]
	return r, ok
}

func (c *imageMemo) put(s string, r parsedImage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) < maxMemo {
		c.m[s] = r
	}
}

// splitImage is parseImage without the memo.
func splitImage(s string) (imageRef, error) {
	if s == "" {
		return imageRef{}, errors.New("image is empty")
	}
	var r imageRef
	rest := s
	if i := strings.IndexByte(rest, '@'); i >= 0 {
		rest, r.Digest = rest[:i], rest[i+1:]
		if r.Digest == "" {
			return imageRef{}, fmt.Errorf("image %q has an empty digest", s)
		}
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 && isRegistryHost(rest[:i]) {
		r.Registry, rest = rest[:i], rest[i+1:]
	}
	// Once the host is gone, a colon can only introduce the tag.
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		rest, r.Tag = rest[:i], rest[i+1:]
		if r.Tag == "" {
			return imageRef{}, fmt.Errorf("image %q has an empty tag", s)
		}
	}
	r.Repository = rest
	if _, err := name.ParseReference(r.normalised(), name.WeakValidation); err != nil {
		return imageRef{}, fmt.Errorf("image %q is not a valid reference: %w", s, err)
	}
	return r, nil
}

// isRegistryHost applies the runtime's rule to the first component of a reference that has more
// than one.
func isRegistryHost(first string) bool {
	return first == "localhost" || strings.ContainsAny(first, ".:") || strings.ToLower(first) != first
}

// normalised reassembles the reference with the host lower-cased, for validation.
func (r imageRef) normalised() string {
	var b strings.Builder
	if r.Registry != "" {
		b.WriteString(strings.ToLower(r.Registry))
		b.WriteByte('/')
	}
	b.WriteString(r.Repository)
	if r.Tag != "" {
		b.WriteString(":" + r.Tag)
	}
	if r.Digest != "" {
		b.WriteString("@" + r.Digest)
	}
	return b.String()
}
