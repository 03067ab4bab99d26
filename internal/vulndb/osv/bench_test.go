package osv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/strata-sec/strata/internal/imagefacts"
)

const (
	benchRecords  = 20000
	benchPackages = 1000
	benchNames    = 4000 // distinct package names per ecosystem, so names carry several records
)

// writeSyntheticRecords writes n OSV records spread over Debian:12, Alpine:v3.19 and Go, one
// file each, as an export unpacked into a directory would be.
func writeSyntheticRecords(tb testing.TB, dir string, n int) {
	tb.Helper()
	for i := range n {
		var eco, name, typ, intro, fixed string
		switch i % 3 {
		case 0:
			eco, name, typ = "Debian:12", fmt.Sprintf("pkg%04d", i%benchNames), "ECOSYSTEM"
			intro, fixed = "0", fmt.Sprintf("1.%d.0-%d+deb12u1", i%20, i%5+1)
		case 1:
			eco, name, typ = "Alpine:v3.19", fmt.Sprintf("apk%04d", i%benchNames), "ECOSYSTEM"
			intro, fixed = fmt.Sprintf("1.%d.0-r0", i%7), fmt.Sprintf("1.%d.0-r%d", i%20, i%9)
		default:
			eco, name, typ = "Go", fmt.Sprintf("example.com/mod%04d", i%benchNames), "SEMVER"
			intro, fixed = "0", fmt.Sprintf("1.%d.%d", i%20, i%4)
		}
		rec := fmt.Sprintf(`{"id": "BENCH-%06d", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2099-%06d"],
 "summary": "synthetic record %d for the benchmark",
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:N"}],
 "affected": [{"package": {"ecosystem": %q, "name": %q},
   "ranges": [{"type": %q, "events": [{"introduced": %q}, {"fixed": %q}]}]}],
 "references": [{"type": "ADVISORY", "url": "https://example.org/bench/%d"}]}`, i, i, i, eco, name, typ, intro, fixed, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("BENCH-%06d.json", i)), []byte(rec), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func benchPackagesList() []imagefacts.Package {
	pkgs := make([]imagefacts.Package, 0, benchPackages)
	for i := range benchPackages {
		switch i % 3 {
		case 0:
			pkgs = append(pkgs, imagefacts.Package{Ecosystem: "Debian", Distro: "12", Name: fmt.Sprintf("lib%04d", i), Source: fmt.Sprintf("pkg%04d", i*3%benchNames), Version: fmt.Sprintf("1.%d.0-1", i%25)})
		case 1:
			pkgs = append(pkgs, imagefacts.Package{Ecosystem: "Alpine", Distro: "v3.19", Name: fmt.Sprintf("apk%04d", i*3%benchNames), Version: fmt.Sprintf("1.%d.0-r1", i%25)})
		default:
			pkgs = append(pkgs, imagefacts.Package{Ecosystem: "Go", Name: fmt.Sprintf("example.com/mod%04d", i*3%benchNames), Version: fmt.Sprintf("v1.%d.1", i%25)})
		}
	}
	return pkgs
}

// BenchmarkImportOpenMatch measures, per operation, importing ~20,000 records into a fresh
// database, opening it and matching 1,000 packages.
func BenchmarkImportOpenMatch(b *testing.B) {
	src := b.TempDir()
	writeSyntheticRecords(b, src, benchRecords)
	pkgs := benchPackagesList()
	root := b.TempDir()
	b.ResetTimer()
	var matches int
	for i := range b.N {
		dir := filepath.Join(root, fmt.Sprint(i))
		if _, err := Import(context.Background(), dir, src); err != nil {
			b.Fatal(err)
		}
		db, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		vs, _, err := db.Match(pkgs, imagefacts.OS{})
		if err != nil {
			b.Fatal(err)
		}
		matches = len(vs)
		db.Close()
	}
	b.ReportMetric(float64(matches), "vulns")
}

// BenchmarkOpenMatch measures opening an imported ~20,000-record database and matching 1,000
// packages: what an image scan pays.
func BenchmarkOpenMatch(b *testing.B) {
	src := b.TempDir()
	writeSyntheticRecords(b, src, benchRecords)
	dir := filepath.Join(b.TempDir(), "osv")
	if _, err := Import(context.Background(), dir, src); err != nil {
		b.Fatal(err)
	}
	pkgs := benchPackagesList()
	b.ResetTimer()
	var matches int
	for range b.N {
		db, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		vs, _, err := db.Match(pkgs, imagefacts.OS{})
		if err != nil {
			b.Fatal(err)
		}
		matches = len(vs)
		db.Close()
	}
	if matches == 0 {
		b.Fatal("the synthetic packages matched nothing: the benchmark measures no matching")
	}
	b.ReportMetric(float64(matches), "vulns")
}
