package k8s

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// LocalFile is the name of the local dataset under strata's data directory.
const LocalFile = "k8s-cve.json"

// LocalPath returns where 'strata db update' keeps its dataset: $XDG_DATA_HOME/strata/
// k8s-cve.json, or ~/.local/share/strata/k8s-cve.json. ok is false when neither directory can
// be determined. A relative XDG_DATA_HOME is ignored, as the XDG specification requires.
func LocalPath() (path string, ok bool) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "strata", LocalFile), true
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", false
	}
	return filepath.Join(home, ".local", "share", "strata", LocalFile), true
}

// Encode returns the dataset as the JSON file strata reads.
func (db *DB) Encode() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(db.doc); err != nil {
		return nil, fmt.Errorf("encode Kubernetes vulnerability dataset: %w", err)
	}
	return buf.Bytes(), nil
}

// WriteFile writes the dataset to path atomically: a reader sees the old file or the new one,
// never a partial write, and a failed write leaves the old file untouched.
func (db *DB) WriteFile(path string) (err error) {
	data, err := db.Encode()
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
