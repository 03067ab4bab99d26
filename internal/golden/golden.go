// Package golden compares test output with reviewed .golden files, and rewrites them when the
// tests run with -update (or STRATA_UPDATE_GOLDEN=1, which also works for packages that do not
// import this one).
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite .golden files with the current output")

// Updating reports whether golden files should be rewritten.
func Updating() bool { return *update || os.Getenv("STRATA_UPDATE_GOLDEN") == "1" }

// Compare fails t when got differs from the golden file at path, or rewrites the file when
// updating.
func Compare(t testing.TB, path string, got []byte) {
	t.Helper()
	if Updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run make golden to create it): %v", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the output (review, then run make golden):\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}
