package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/spf13/pflag"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/config"
	"github.com/strata-sec/strata/internal/image"
	"github.com/strata-sec/strata/internal/image/sign"
	"github.com/strata-sec/strata/internal/imagefacts"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/vulndb/osv"
)

// imageFlags are the flags of the commands that analyse container images (image, sbom,
// scan --images). Fetch flags say where images come from; policy flags say what is trusted
// and which database vulnerabilities are matched against. The config file's images section
// gives defaults; flags on the command line win.
type imageFlags struct {
	Layout            string
	Platform          string
	CacheDir          string
	NoCache           bool
	Insecure          bool
	Keys              []string
	RequireSigned     bool
	DBDir             string
	AllowedRegistries []string

	policy bool
	// names are the flags above; changed those set on the command line.
	names, changed []string
}

func (f *imageFlags) addFetchFlags(fs *pflag.FlagSet) {
	own := pflag.NewFlagSet("images", pflag.ContinueOnError)
	own.StringVar(&f.Layout, "image-layout", "", "OCI image layout directory consulted first: an image whose ref.name annotation is the reference is read from it, offline")
	own.StringVar(&f.Platform, "platform", image.DefaultPlatform, "platform chosen from multi-platform images (os/arch[/variant])")
	own.StringVar(&f.CacheDir, "cache-dir", "", "directory caching image analyses by digest (default $XDG_CACHE_HOME/strata/images)")
	own.BoolVar(&f.NoCache, "no-cache", false, "neither read nor write the image analysis cache")
	own.BoolVar(&f.Insecure, "insecure-registry", false, "allow plain-HTTP registries (loopback registries are always plain HTTP)")
	own.VisitAll(func(fl *pflag.Flag) { f.names = append(f.names, fl.Name) })
	fs.AddFlagSet(own)
}

func (f *imageFlags) addPolicyFlags(fs *pflag.FlagSet) {
	f.policy = true
	own := pflag.NewFlagSet("image-policy", pflag.ContinueOnError)
	own.StringArrayVar(&f.Keys, "key", nil, "trusted PEM public key signatures are verified against (repeatable; cosign.pub format)")
	own.BoolVar(&f.RequireSigned, "require-signed", false, "report images without a signature that verifies against a --key")
	own.StringVar(&f.DBDir, "db-dir", "", "OSV vulnerability database directory (default $XDG_DATA_HOME/strata/osv; fill it with strata db import)")
	own.StringArrayVar(&f.AllowedRegistries, "allowed-registry", nil, "registry host with optional path prefix images may come from (repeatable; e.g. ghcr.io/acme)")
	own.VisitAll(func(fl *pflag.Flag) { f.names = append(f.names, fl.Name) })
	fs.AddFlagSet(own)
}

// complete records which image flags were set and fills the others from the config file.
func (f *imageFlags) complete(fs *pflag.FlagSet, cfg *config.Config) {
	fs.Visit(func(fl *pflag.Flag) {
		if slices.Contains(f.names, fl.Name) {
			f.changed = append(f.changed, fl.Name)
		}
	})
	if cfg == nil {
		return
	}
	img := cfg.Images
	if img.Layout != "" && !fs.Changed("image-layout") {
		f.Layout = img.Layout
	}
	if !f.policy {
		return
	}
	if len(img.Keys) > 0 && !fs.Changed("key") {
		f.Keys = slices.Clone(img.Keys)
	}
	if img.RequireSigned && !fs.Changed("require-signed") {
		f.RequireSigned = true
	}
	if len(img.AllowedRegistries) > 0 && !fs.Changed("allowed-registry") {
		f.AllowedRegistries = slices.Clone(img.AllowedRegistries)
	}
}

func (f *imageFlags) validate() error {
	if _, err := v1.ParsePlatform(f.Platform); err != nil || !strings.Contains(f.Platform, "/") {
		return usageErrorf("--platform: %q is not os/arch[/variant] such as linux/amd64", f.Platform)
	}
	if f.NoCache && f.CacheDir != "" {
		return usageErrorf("--no-cache and --cache-dir exclude each other")
	}
	if f.Layout != "" {
		if _, err := os.Stat(filepath.Join(f.Layout, "index.json")); err != nil {
			return usageErrorf("--image-layout: %s is not an OCI image layout (no index.json): %v", f.Layout, err)
		}
	}
	if f.RequireSigned && len(f.Keys) == 0 {
		return usageErrorf("--require-signed needs at least one trusted key: --key PATH or images.keys in the config file")
	}
	for _, r := range f.AllowedRegistries {
		if err := config.ValidRegistry(r); err != nil {
			return usageErrorf("--allowed-registry %q: %v", r, err)
		}
	}
	return nil
}

// imagePolicy is what the checks are told about images.
func (f *imageFlags) imagePolicy() check.ImagePolicy {
	return check.ImagePolicy{AllowedRegistries: slices.Clone(f.AllowedRegistries), RequireSigned: f.RequireSigned}
}

// imageSetup is an Analyzer with what it was built from, for summaries and notes.
type imageSetup struct {
	analyzer *image.Analyzer
	// dbNote says why vulnerabilities are not matched; "" when a database is open.
	dbNote string
	db     *osv.DB
}

func (s *imageSetup) close() {
	if s.db != nil {
		_ = s.db.Close()
	}
}

// analyzer builds the image Analyzer the flags describe. A missing OSV database is not an
// error: vulnerabilities are then not assessed, and dbNote says so. A database that exists
// but cannot be read is an error: scanning on without it would read as "no vulnerabilities".
func (f *imageFlags) analyzer(ctx context.Context) (*imageSetup, error) {
	opts := image.Options{Platform: f.Platform, Insecure: f.Insecure, Layout: f.Layout}
	if !f.NoCache {
		opts.CacheDir = f.CacheDir
		if opts.CacheDir == "" {
			dir, err := image.DefaultCacheDir()
			if err != nil {
				logger(ctx).Debug("image cache disabled", "reason", err)
			}
			opts.CacheDir = dir
		}
	}
	s := &imageSetup{}
	if f.policy {
		if len(f.Keys) > 0 {
			keys, err := sign.LoadKeys(f.Keys...)
			if err != nil {
				return nil, usageErrorf("%v", err)
			}
			v, err := sign.NewVerifier(keys...)
			if err != nil {
				return nil, usageErrorf("%v", err)
			}
			opts.Verifier = v
		}
		if err := s.openDB(f.DBDir); err != nil {
			return nil, err
		}
		if s.db != nil {
			opts.Matcher = s.db
		}
	}
	s.analyzer = image.New(opts)
	return s, nil
}

func (s *imageSetup) openDB(dir string) error {
	if dir == "" {
		d, err := osv.DefaultDir()
		if err != nil {
			s.dbNote = fmt.Sprintf("no OSV database location (%v): vulnerabilities not assessed; pass --db-dir", err)
			return nil
		}
		dir = d
	}
	db, err := osv.Open(dir)
	switch {
	case errors.Is(err, osv.ErrNoDatabase):
		s.dbNote = fmt.Sprintf("no OSV database in %s: vulnerabilities not assessed; import one with strata db import", dir)
		return nil
	case err != nil:
		return usageErrorf("open OSV database: %v", err)
	}
	s.db = db
	return nil
}

// imageObjects are the inventory objects of analysed images: kind Image, named by the
// reference as workloads write it.
func imageObjects(facts []*imagefacts.Facts) []*check.Object {
	out := make([]*check.Object, 0, len(facts))
	for _, f := range facts {
		f.APIVersion, f.Kind = imagefacts.APIVersion, imagefacts.KindName
		out = append(out, &check.Object{
			Ref:  check.Ref{APIVersion: imagefacts.APIVersion, Kind: imagefacts.KindName, Name: f.Name},
			Obj:  f,
			Meta: &f.ObjectMeta,
		})
	}
	return out
}

// imageSummary is the one-line account of an analysis for stderr.
func imageSummary(facts []*imagefacts.Facts, st image.Stats) string {
	failed := 0
	for _, f := range facts {
		if f.Error != "" {
			failed++
		}
	}
	return fmt.Sprintf("images: %d analysed (%d digests, %d from cache), %d failed", len(facts)-failed, st.Digests, st.CacheHits, failed)
}

// imageIndex is an inventory of image objects only.
func imageIndex(facts []*imagefacts.Facts) *inventory.Index {
	return inventory.NewIndex(imageObjects(facts))
}
