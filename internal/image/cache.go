package image

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/strata-sec/strata/internal/imagefacts"
)

// maxCacheEntryBytes bounds a cached facts file read back.
const maxCacheEntryBytes = 64 << 20

// cacheEntry is what the disk cache stores for one manifest digest.
type cacheEntry struct {
	SchemaVersion   string            `json:"schemaVersion"`
	AnalyzerVersion string            `json:"analyzerVersion"`
	Digest          string            `json:"digest"`
	Facts           *imagefacts.Facts `json:"facts"`
}

func (a *Analyzer) cachePath(h v1.Hash) string {
	return filepath.Join(a.opts.CacheDir, h.Algorithm, h.Hex+".json")
}

// loadCache returns the cached facts of a digest, or nil when there are none or they cannot
// be trusted (another schema or analyser version, another digest, unreadable JSON).
func (a *Analyzer) loadCache(h v1.Hash) *imagefacts.Facts {
	if a.opts.CacheDir == "" {
		return nil
	}
	f, err := os.Open(a.cachePath(h))
	if err != nil {
		return nil
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() || st.Size() > maxCacheEntryBytes {
		return nil
	}
	var e cacheEntry
	if err := json.NewDecoder(f).Decode(&e); err != nil {
		return nil
	}
	if e.SchemaVersion != imagefacts.SchemaVersion || e.AnalyzerVersion != AnalyzerVersion ||
		e.Digest != h.String() || e.Facts == nil || e.Facts.Digest != h.String() ||
		e.Facts.SchemaVersion != imagefacts.SchemaVersion || e.Facts.Error != "" {
		return nil
	}
	return e.Facts
}

// storeCache writes facts atomically (temporary file and rename) with owner-only permissions.
// Vulnerabilities and signature are never stored.
func (a *Analyzer) storeCache(h v1.Hash, f *imagefacts.Facts) error {
	if a.opts.CacheDir == "" {
		return nil
	}
	c := *f
	c.Vulnerabilities, c.VulnDB, c.Signature = nil, nil, nil
	b, err := json.Marshal(cacheEntry{
		SchemaVersion: imagefacts.SchemaVersion, AnalyzerVersion: AnalyzerVersion, Digest: h.String(), Facts: &c,
	})
	if err != nil {
		return err
	}
	dir := filepath.Dir(a.cachePath(h))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("image cache: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("image cache: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("image cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("image cache: %w", err)
	}
	return os.Rename(tmp.Name(), a.cachePath(h))
}
