package image

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/strata-sec/strata/internal/imagefacts"
)

// AnalyzerVersion changes whenever the analysis changes what it finds; cached facts written by
// another version are analysed again.
const AnalyzerVersion = "1"

// Default limits. They bound work on hostile or huge images; each can be changed in Options.
const (
	// DefaultMaxFileBytes caps a package database read into memory (dpkg status, apk installed).
	DefaultMaxFileBytes = 64 << 20
	// DefaultMaxSpoolBytes caps an rpm database copied to a temporary file to be opened.
	DefaultMaxSpoolBytes = 1 << 30
	// DefaultMaxTotalBytes caps the uncompressed bytes read over all layers of one image.
	DefaultMaxTotalBytes = 8 << 30
	// DefaultMaxEntries caps the tar entries over all layers of one image.
	DefaultMaxEntries = 2_000_000
	// DefaultMaxGoBinaryBytes is the largest executable inspected for Go build information.
	DefaultMaxGoBinaryBytes = 128 << 20
	// DefaultConcurrency is how many references are resolved, and digests analysed, at once.
	DefaultConcurrency = 4
	// DefaultPlatform is the platform chosen from a multi-platform index.
	DefaultPlatform = "linux/amd64"
)

// Matcher matches packages against a vulnerability database. It returns the database it used
// (nil when none was available: the vulnerability check is then not assessed). It is called
// once per analysed digest, from several goroutines at once.
type Matcher interface {
	Match(pkgs []imagefacts.Package, os imagefacts.OS) ([]imagefacts.Vulnerability, *imagefacts.VulnDB, error)
}

// Verifier verifies the signatures of the image with the given digest in ref's repository.
// opts carry the Analyzer's authentication and transport. It is called once per registry
// reference, from several goroutines at once.
type Verifier interface {
	Verify(ctx context.Context, ref name.Reference, digest v1.Hash, opts ...remote.Option) *imagefacts.Signature
}

// Options configure an Analyzer. The zero value analyses linux/amd64 images from registries
// with the default keychain, without a disk cache.
type Options struct {
	// CacheDir holds analysed facts by manifest digest; "" disables the disk cache.
	// DefaultCacheDir gives the conventional location.
	CacheDir string
	// Platform is chosen from multi-platform indexes, as "os/arch" or "os/arch/variant";
	// "" means DefaultPlatform.
	Platform string
	// Keychain supplies registry credentials; nil means authn.DefaultKeychain. Credentials are
	// only ever sent to the registry named in the reference.
	Keychain authn.Keychain
	// Insecure allows plain-HTTP registries (loopback registries are always plain HTTP).
	Insecure bool
	// Layout is an OCI layout directory consulted first for registry references: an image
	// whose org.opencontainers.image.ref.name annotation equals the reference as written, or
	// its normalised form, is read from there instead of the registry (offline scans).
	Layout string
	// Concurrency bounds parallel resolutions and analyses; 0 means DefaultConcurrency.
	Concurrency int
	// Transport is the HTTP transport for registries; nil means remote.DefaultTransport.
	Transport http.RoundTripper
	// Matcher, when set, matches packages to vulnerabilities on every call (never cached).
	Matcher Matcher
	// Verifier, when set, verifies signatures on every call (never cached).
	Verifier Verifier
	// MaxFileBytes, MaxSpoolBytes, MaxTotalBytes, MaxEntries and MaxGoBinaryBytes bound the analysis of one
	// image; 0 means the Default* constant of the same name.
	MaxFileBytes     int64
	MaxSpoolBytes    int64
	MaxTotalBytes    int64
	MaxEntries       int
	MaxGoBinaryBytes int64
	// TempDir is where package databases and Go binaries are spooled one at a time while
	// inspected; "" means os.TempDir().
	TempDir string
}

// DefaultCacheDir returns $XDG_CACHE_HOME/strata/images, or ~/.cache/strata/images.
func DefaultCacheDir() (string, error) {
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		if !filepath.IsAbs(d) {
			return "", errors.New("XDG_CACHE_HOME is not an absolute path")
		}
		return filepath.Join(d, "strata", "images"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".cache", "strata", "images"), nil
}

func (o Options) withDefaults() Options {
	if o.Platform == "" {
		o.Platform = DefaultPlatform
	}
	if o.Keychain == nil {
		o.Keychain = authn.DefaultKeychain
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.MaxFileBytes <= 0 {
		o.MaxFileBytes = DefaultMaxFileBytes
	}
	if o.MaxSpoolBytes <= 0 {
		o.MaxSpoolBytes = DefaultMaxSpoolBytes
	}
	if o.MaxTotalBytes <= 0 {
		o.MaxTotalBytes = DefaultMaxTotalBytes
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	if o.MaxGoBinaryBytes <= 0 {
		o.MaxGoBinaryBytes = DefaultMaxGoBinaryBytes
	}
	return o
}
