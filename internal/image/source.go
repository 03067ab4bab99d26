package image

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/strata-sec/strata/internal/imagefacts"
)

// Sources of an image, as Facts.Source names them.
const (
	SourceRegistry  = "registry"
	SourceOCILayout = "oci-layout"
	SourceTarball   = "tarball"
)

// Reference prefixes of local sources.
const (
	prefixOCI           = "oci:"
	prefixDockerArchive = "docker-archive:"
	// refNameAnnotation names an image in an OCI layout index.
	refNameAnnotation = "org.opencontainers.image.ref.name"
)

// resolved is a reference resolved to one platform image.
type resolved struct {
	img      v1.Image
	digest   v1.Hash
	platform string
	source   string
	// ref is the parsed registry reference (nil for local sources), for signature checks.
	ref name.Reference
	// cached holds the facts from the disk cache, when the manifest was not even fetched.
	cached *imagefacts.Facts
}

// SourceOf tells which source a reference string selects: SourceOCILayout, SourceTarball or
// SourceRegistry.
func SourceOf(ref string) string {
	switch {
	case strings.HasPrefix(ref, prefixOCI):
		return SourceOCILayout
	case strings.HasPrefix(ref, prefixDockerArchive):
		return SourceTarball
	}
	return SourceRegistry
}

// lookup is a distinct reference after its first, cheap step: local sources are resolved
// outright; registry references know their manifest digest from a HEAD request.
type lookup struct {
	raw  string
	ref  name.Reference
	head *v1.Descriptor // nil when the registry does not answer HEAD usefully
	res  *resolved
	err  error
}

// key groups lookups that one manifest fetch serves.
func (l *lookup) key() string {
	if l.head != nil {
		return l.ref.Context().RegistryStr() + "@" + l.head.Digest.String()
	}
	return "ref:" + l.raw
}

func (a *Analyzer) lookup(ctx context.Context, raw string, opts []remote.Option) *lookup {
	l := &lookup{raw: raw}
	switch SourceOf(raw) {
	case SourceOCILayout:
		l.res, l.err = a.fromLayoutRef(strings.TrimPrefix(raw, prefixOCI))
		return l
	case SourceTarball:
		l.res, l.err = a.fromArchive(strings.TrimPrefix(raw, prefixDockerArchive))
		return l
	}
	var nopts []name.Option
	if a.opts.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	r, err := name.ParseReference(raw, nopts...)
	if err != nil {
		l.err = fmt.Errorf("parse reference: %w", err)
		return l
	}
	l.ref = r
	if a.opts.Layout != "" {
		res, err := a.fromLayout(a.opts.Layout, layoutMatcher(raw, r, nopts), "")
		if err == nil {
			res.ref = r
			l.res = res
			return l
		}
		if !errors.Is(err, errNotInLayout) {
			l.err = err
			return l
		}
	}
	head, err := remote.Head(r, opts...)
	var terr *transport.Error
	switch {
	case err == nil && head.Digest.Hex != "":
		l.head = head
	case errors.As(err, &terr) && (terr.StatusCode == 401 || terr.StatusCode == 403 || terr.StatusCode == 404):
		l.err = fmt.Errorf("fetch manifest: %w", err)
	}
	return l
}

// layoutMatcher matches the index annotation of an OCI layout entry against a registry
// reference: as written, normalised ("docker.io/library/nginx:1.27" is "nginx:1.27"), or, for
// a digest reference, an entry whose annotation carries the same digest.
func layoutMatcher(raw string, r name.Reference, nopts []name.Option) func(string) bool {
	return func(ann string) bool {
		if ann == "" {
			return false
		}
		if ann == raw || ann == r.Name() {
			return true
		}
		n, err := name.ParseReference(ann, nopts...)
		if err != nil {
			return false
		}
		if n.Name() == r.Name() {
			return true
		}
		d, isDigest := r.(name.Digest)
		nd, annDigest := n.(name.Digest)
		return isDigest && annDigest && d.DigestStr() == nd.DigestStr() && d.Context().Name() == nd.Context().Name()
	}
}

// fetch gets the manifest of a registry lookup (by digest when HEAD told it) and chooses the
// platform image. An image manifest whose facts are cached is not fetched at all.
func (a *Analyzer) fetch(l *lookup, opts []remote.Option) (*resolved, error) {
	res := &resolved{source: SourceRegistry, ref: l.ref}
	target := l.ref
	if l.head != nil {
		if l.head.MediaType.IsImage() {
			if f := a.loadCache(l.head.Digest); f != nil {
				res.digest, res.cached = l.head.Digest, f
				return res, nil
			}
		}
		target = l.ref.Context().Digest(l.head.Digest.String())
	}
	desc, err := remote.Get(target, opts...)
	if err != nil {
		return nil, fmt.Errorf("fetch manifest: %w", err)
	}
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, err
		}
		if err := a.fromIndex(idx, res); err != nil {
			return nil, err
		}
		return res, nil
	}
	if !desc.MediaType.IsImage() {
		return nil, fmt.Errorf("manifest of media type %q is not an image", desc.MediaType)
	}
	if res.img, err = desc.Image(); err != nil {
		return nil, err
	}
	res.digest = desc.Digest
	return res, nil
}

// remoteOptions are the options of every registry call; the Verifier gets them too.
func (a *Analyzer) remoteOptions(ctx context.Context) []remote.Option {
	opts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(a.opts.Keychain)}
	if a.opts.Transport != nil {
		opts = append(opts, remote.WithTransport(a.opts.Transport))
	}
	return opts
}

// sharedOptions add one puller to remoteOptions, so the registry ping and token exchange
// happen once per registry and repository for a whole AnalyzeAll.
func (a *Analyzer) sharedOptions(ctx context.Context) []remote.Option {
	opts := a.remoteOptions(ctx)
	if p, err := remote.NewPuller(opts...); err == nil {
		opts = append(opts, remote.Reuse(p))
	}
	return opts
}

// fromIndex chooses the image of the wanted platform from an index.
func (a *Analyzer) fromIndex(idx v1.ImageIndex, res *resolved) error {
	im, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	want, err := v1.ParsePlatform(a.opts.Platform)
	if err != nil {
		return fmt.Errorf("platform %q: %w", a.opts.Platform, err)
	}
	var found []v1.Descriptor
	for _, d := range im.Manifests {
		if !d.MediaType.IsImage() {
			continue
		}
		if d.Platform == nil || d.Platform.Satisfies(*want) {
			found = append(found, d)
		}
	}
	var pick *v1.Descriptor
	for i := range found {
		if found[i].Platform != nil {
			pick = &found[i]
			break
		}
	}
	if pick == nil && len(found) == 1 {
		pick = &found[0]
	}
	if pick == nil {
		return fmt.Errorf("index has no image for platform %s", a.opts.Platform)
	}
	img, err := idx.Image(pick.Digest)
	if err != nil {
		return err
	}
	res.img, res.digest = img, pick.Digest
	if pick.Platform != nil {
		res.platform = pick.Platform.String()
	}
	return nil
}

var errNotInLayout = errors.New("no image with that name in the OCI layout")

// fromLayoutRef reads "DIR", "DIR:TAG" or "DIR@sha256:...".
func (a *Analyzer) fromLayoutRef(spec string) (*resolved, error) {
	if dir, dgst, ok := strings.Cut(spec, "@"); ok {
		return a.fromLayout(dir, nil, dgst)
	}
	dir, tag := spec, ""
	if i := strings.LastIndexByte(spec, ':'); i > 0 && !strings.Contains(spec[i+1:], "/") {
		dir, tag = spec[:i], spec[i+1:]
	}
	if tag == "" {
		return a.fromLayout(dir, nil, "")
	}
	return a.fromLayout(dir, func(ann string) bool {
		return ann == tag || strings.HasSuffix(ann, ":"+tag)
	}, "")
}

// fromLayout selects an entry of an OCI layout's index by annotation, by digest, or, with
// neither, the only entry.
func (a *Analyzer) fromLayout(dir string, match func(string) bool, dgst string) (*resolved, error) {
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("open OCI layout %s: %w", dir, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("read OCI layout %s: %w", dir, err)
	}
	var picked []v1.Descriptor
	for _, d := range im.Manifests {
		switch {
		case dgst != "":
			if d.Digest.String() == dgst {
				picked = append(picked, d)
			}
		case match != nil:
			if match(d.Annotations[refNameAnnotation]) {
				picked = append(picked, d)
			}
		default:
			picked = append(picked, d)
		}
	}
	switch {
	case len(picked) == 0 && (match != nil || dgst != ""):
		return nil, fmt.Errorf("%w %s", errNotInLayout, dir)
	case len(picked) == 0:
		return nil, fmt.Errorf("OCI layout %s holds no image", dir)
	case len(picked) > 1 && match == nil && dgst == "":
		return nil, fmt.Errorf("OCI layout %s holds %d images: name one with oci:DIR:TAG or oci:DIR@sha256:...", dir, len(picked))
	}
	d := picked[0]
	res := &resolved{source: SourceOCILayout}
	if d.MediaType.IsIndex() {
		child, err := idx.ImageIndex(d.Digest)
		if err != nil {
			return nil, err
		}
		return res, a.fromIndex(child, res)
	}
	if res.img, err = idx.Image(d.Digest); err != nil {
		return nil, err
	}
	res.digest = d.Digest
	if d.Platform != nil {
		res.platform = d.Platform.String()
	}
	return res, nil
}

// fromArchive reads "FILE.tar" or "FILE.tar:repo:tag" written by docker save.
func (a *Analyzer) fromArchive(spec string) (*resolved, error) {
	file, tagStr := spec, ""
	if i := strings.Index(spec, ".tar:"); i >= 0 {
		file, tagStr = spec[:i+4], spec[i+5:]
	}
	var tag *name.Tag
	if tagStr != "" {
		t, err := name.NewTag(tagStr)
		if err != nil {
			return nil, fmt.Errorf("tag %q: %w", tagStr, err)
		}
		tag = &t
	}
	img, err := tarball.ImageFromPath(file, tag)
	if err != nil {
		return nil, fmt.Errorf("open docker archive %s: %w", file, err)
	}
	h, err := img.Digest()
	if err != nil {
		return nil, fmt.Errorf("read docker archive %s: %w", file, err)
	}
	return &resolved{img: img, digest: h, source: SourceTarball}, nil
}
