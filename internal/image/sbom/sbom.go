package sbom

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/go-containerregistry/pkg/name"

	"github.com/strata-sec/strata/internal/imagefacts"
)

// SpecVersion is the CycloneDX version written.
const SpecVersion = cdx.SpecVersion1_6

// Options fix what would otherwise vary between runs.
type Options struct {
	// ToolVersion is strata's version, named in metadata.tools.
	ToolVersion string
	// Now is the BOM's timestamp (time.Now when zero).
	Now time.Time
	// Serial is the BOM's serial number, a urn:uuid (a random version 4 UUID when empty).
	Serial string
}

// Write encodes the SBOM of facts to w with the current time and a fresh serial number.
func Write(w io.Writer, facts *imagefacts.Facts) error {
	return Encode(w, facts, Options{})
}

// Encode encodes the SBOM of facts to w. An image that was not analysed has no SBOM: an empty
// component list would claim the image holds nothing.
func Encode(w io.Writer, facts *imagefacts.Facts, opts Options) error {
	bom, err := Build(facts, opts)
	if err != nil {
		return err
	}
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	if err := enc.EncodeVersion(bom, SpecVersion); err != nil {
		return fmt.Errorf("encode CycloneDX: %w", err)
	}
	return nil
}

// Build returns the BOM of facts.
func Build(facts *imagefacts.Facts, opts Options) (*cdx.BOM, error) {
	if facts == nil {
		return nil, errors.New("no image facts")
	}
	if facts.Error != "" {
		return nil, fmt.Errorf("image %s was not analysed: %s", facts.Reference, facts.Error)
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Serial == "" {
		opts.Serial = "urn:uuid:" + newUUID()
	}
	if opts.ToolVersion == "" {
		opts.ToolVersion = "unknown"
	}
	bom := cdx.NewBOM()
	bom.SerialNumber = opts.Serial
	image := imageComponent(facts)
	bom.Metadata = &cdx.Metadata{
		Timestamp: opts.Now.UTC().Format(time.RFC3339),
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Name: "strata", Version: opts.ToolVersion,
		}}},
		Component:  &image,
		Properties: metadataProperties(facts),
	}
	components := packageComponents(facts)
	refs := make([]string, 0, len(components))
	for _, c := range components {
		refs = append(refs, c.BOMRef)
	}
	bom.Components = &components
	bom.Dependencies = &[]cdx.Dependency{{Ref: image.BOMRef, Dependencies: &refs}}
	return bom, nil
}

// imageComponent is the BOM's subject: the image, versioned by its digest.
func imageComponent(f *imagefacts.Facts) cdx.Component {
	c := cdx.Component{
		BOMRef:     "image:" + f.Reference,
		Type:       cdx.ComponentTypeContainer,
		Name:       f.Reference,
		Version:    f.Digest,
		PackageURL: imagePURL(f),
	}
	if alg, hex, ok := strings.Cut(f.Digest, ":"); ok && alg == "sha256" {
		c.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: hex}}
	}
	var props []cdx.Property
	add := func(k, v string) {
		if v != "" {
			props = append(props, cdx.Property{Name: "strata:image:" + k, Value: v})
		}
	}
	add("source", f.Source)
	add("platform", f.Platform)
	add("user", f.Config.User)
	add("layers", strconv.Itoa(f.Layers))
	if len(props) > 0 {
		c.Properties = &props
	}
	return c
}

// imagePURL is the image's package URL (pkg:oci/NAME@DIGEST?repository_url=...&tag=...), or
// "" when the digest or reference is unknown.
func imagePURL(f *imagefacts.Facts) string {
	if f.Digest == "" {
		return ""
	}
	ref, err := name.ParseReference(f.Reference)
	if err != nil {
		return ""
	}
	repo := ref.Context()
	path := repo.RepositoryStr()
	last := strings.ToLower(path[strings.LastIndex(path, "/")+1:])
	q := url.Values{}
	q.Set("repository_url", repo.RegistryStr()+"/"+path)
	if t, ok := ref.(name.Tag); ok {
		q.Set("tag", t.TagStr())
	} else if tag := tagOf(f.Reference); tag != "" {
		q.Set("tag", tag)
	}
	if _, arch, ok := strings.Cut(f.Platform, "/"); ok {
		arch, _, _ = strings.Cut(arch, "/") // the variant (arm64/v8) is not part of arch
		q.Set("arch", arch)
	}
	return "pkg:oci/" + purlEscape(last) + "@" + purlEscape(f.Digest) + "?" + q.Encode()
}

// purlEscape percent-encodes a purl name or version segment; ':' is encoded too, as the purl
// specification asks for the digest of an OCI version.
func purlEscape(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
}

// tagOf returns the tag of a reference pinned by digest that also names a tag
// ("app:1.2@sha256:..."), which name.ParseReference drops.
func tagOf(ref string) string {
	before, _, ok := strings.Cut(ref, "@")
	if !ok {
		return ""
	}
	slash := strings.LastIndex(before, "/")
	if i := strings.LastIndex(before, ":"); i > slash {
		return before[i+1:]
	}
	return ""
}

// packageComponents lists the distribution then the packages, each with a unique bom-ref.
func packageComponents(f *imagefacts.Facts) []cdx.Component {
	var out []cdx.Component
	seen := map[string]int{}
	ref := func(base string) string {
		seen[base]++
		if n := seen[base]; n > 1 {
			return base + "#" + strconv.Itoa(n)
		}
		return base
	}
	if f.OS.ID != "" {
		c := cdx.Component{Type: cdx.ComponentTypeOS, Name: f.OS.ID, Version: f.OS.VersionID}
		c.BOMRef = ref("os:" + f.OS.ID + "@" + f.OS.VersionID)
		if f.OS.Codename != "" {
			c.Properties = &[]cdx.Property{{Name: "strata:os:codename", Value: f.OS.Codename}}
		}
		out = append(out, c)
	}
	pkgs := slices.Clone(f.Packages)
	slices.SortStableFunc(pkgs, func(a, b imagefacts.Package) int {
		return strings.Compare(a.Ecosystem+"\x00"+a.Name+"\x00"+a.Version+"\x00"+a.Path, b.Ecosystem+"\x00"+b.Name+"\x00"+b.Version+"\x00"+b.Path)
	})
	for _, p := range pkgs {
		c := cdx.Component{Type: cdx.ComponentTypeLibrary, Name: p.Name, Version: p.Version, PackageURL: p.PURL}
		base := p.PURL
		if base == "" {
			base = "pkg:" + p.Ecosystem + "/" + p.Name + "@" + p.Version
		}
		c.BOMRef = ref(base)
		var props []cdx.Property
		for _, kv := range [][2]string{{"ecosystem", p.Ecosystem}, {"distro", p.Distro}, {"source", p.Source}, {"path", p.Path}} {
			if kv[1] != "" {
				props = append(props, cdx.Property{Name: "strata:package:" + kv[0], Value: kv[1]})
			}
		}
		if len(props) > 0 {
			c.Properties = &props
		}
		out = append(out, c)
	}
	return out
}

// metadataProperties say where the inventory is incomplete: a package database strata found
// but could not read.
func metadataProperties(f *imagefacts.Facts) *[]cdx.Property {
	if len(f.PackageErrors) == 0 {
		return nil
	}
	props := make([]cdx.Property, 0, len(f.PackageErrors))
	for _, e := range f.PackageErrors {
		props = append(props, cdx.Property{Name: "strata:package-error", Value: e})
	}
	return &props
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
