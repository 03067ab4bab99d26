package osv

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/strata-sec/strata/internal/imagefacts"
)

const fixtures = "testdata/osv"

func importFixtures(t *testing.T) (string, ImportStats) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "osv")
	st, err := Import(context.Background(), dir, fixtures)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	return dir, st
}

func openDB(t *testing.T, dir string) *DB {
	t.Helper()
	db, err := Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestImportAndInfo(t *testing.T) {
	dir, st := importFixtures(t)
	if st.Read != 8 || st.Added != 8 || st.Withdrawn != 1 || len(st.Skipped) != 0 {
		t.Errorf("stats = %+v, want 8 read and added, 1 withdrawn, none skipped", st)
	}
	if got := strings.Join(st.EcosystemNames(), ","); got != "Alpine:v3.19,Debian:11,Debian:12,Go" {
		t.Errorf("ecosystems = %s", got)
	}
	db := openDB(t, dir)
	info := db.Info()
	if info.Name != "OSV (Alpine, Debian, Go)" || info.Records != 7 || time.Since(info.Date.Time) > time.Hour {
		t.Errorf("Info = %+v, want OSV (Alpine, Debian, Go) with 7 records imported now", info)
	}
	if !reflect.DeepEqual(st.DB, info) {
		t.Errorf("stats DB %+v != Info %+v", st.DB, info)
	}
}

func TestOpenWithoutDatabase(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir)
	if !errors.Is(err, ErrNoDatabase) || !strings.Contains(err.Error(), "strata db import PATH") || !strings.Contains(err.Error(), dir) {
		t.Fatalf("Open(empty) = %v, want ErrNoDatabase naming the directory and the import command", err)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data")
	if d, err := DefaultDir(); err != nil || d != "/data/strata/osv" {
		t.Errorf("DefaultDir = %q, %v", d, err)
	}
	t.Setenv("XDG_DATA_HOME", "relative")
	t.Setenv("HOME", "/home/u")
	if d, err := DefaultDir(); err != nil || d != "/home/u/.local/share/strata/osv" {
		t.Errorf("DefaultDir with relative XDG_DATA_HOME = %q, %v", d, err)
	}
}

func deb(name, source, version string) imagefacts.Package {
	return imagefacts.Package{Ecosystem: "Debian", Distro: "12", Name: name, Source: source, Version: version, Path: "/var/lib/dpkg/status"}
}

func TestMatch(t *testing.T) {
	dir, _ := importFixtures(t)
	db := openDB(t, dir)
	type want struct{ id, fixed, severity string }
	for _, c := range []struct {
		name string
		pkg  imagefacts.Package
		os   imagefacts.OS
		want []want
	}{
		{"binary matched through its source package", deb("libssl3", "openssl", "3.0.11-1~deb12u2"), imagefacts.OS{}, []want{{"STRATA-TEST-2024-0001", "3.0.15-1~deb12u1", "critical"}}},
		{"source package itself", deb("openssl", "", "3.0.11-1~deb12u2"), imagefacts.OS{}, []want{{"STRATA-TEST-2024-0001", "3.0.15-1~deb12u1", "critical"}}},
		{"fixed version", deb("libssl3", "openssl", "3.0.15-1~deb12u1"), imagefacts.OS{}, nil},
		{"source version from dpkg's Source field", deb("libssl3", "openssl (3.0.11-1~deb12u2)", "3.0.15-1~deb12u1+b1"), imagefacts.OS{}, []want{{"STRATA-TEST-2024-0001", "3.0.15-1~deb12u1", "critical"}}},
		{"other release's range", imagefacts.Package{Ecosystem: "Debian", Distro: "11", Name: "libssl1.1", Source: "openssl", Version: "1.1.1n-0+deb11u5"}, imagefacts.OS{}, []want{{"STRATA-TEST-2024-0001", "1.1.1w-0+deb11u2", "critical"}}},
		{"release from os-release", imagefacts.Package{Ecosystem: "Debian", Name: "zlib1g", Source: "zlib", Version: "1:1.2.13.dfsg-1"}, imagefacts.OS{ID: "debian", VersionID: "12"}, []want{{"STRATA-TEST-2024-0002", "", ""}}},
		{"last_affected bound is inclusive only", deb("zlib1g", "zlib", "1:1.2.13.dfsg-2"), imagefacts.OS{}, nil},
		{"before introduced", deb("zlib1g", "zlib", "1:1.2.11.dfsg-1"), imagefacts.OS{}, nil},
		{"epoch matters", deb("zlib1g", "zlib", "1.2.13.dfsg-1"), imagefacts.OS{}, nil},
		{"withdrawn record never matches", deb("curl", "", "7.88.1-10+deb12u5"), imagefacts.OS{}, nil},
		{"explicit versions list", deb("bash", "", "5.2.15-2"), imagefacts.OS{}, []want{{"STRATA-TEST-2024-0008", "", "low"}}},
		{"version not listed", deb("bash", "", "5.2.15-3"), imagefacts.OS{}, nil},
		{"alpine", imagefacts.Package{Ecosystem: "Alpine", Distro: "v3.19", Name: "busybox", Version: "1.36.1-r15"}, imagefacts.OS{}, []want{{"STRATA-TEST-2024-0004", "1.36.1-r16", "high"}}},
		{"alpine release from os-release", imagefacts.Package{Ecosystem: "Alpine", Name: "busybox", Version: "1.36.1-r15"}, imagefacts.OS{ID: "alpine", VersionID: "3.19.1"}, []want{{"STRATA-TEST-2024-0004", "1.36.1-r16", "high"}}},
		{"alpine fixed", imagefacts.Package{Ecosystem: "Alpine", Distro: "v3.19", Name: "busybox", Version: "1.36.1-r16"}, imagefacts.OS{}, nil},
		{"alpine other release", imagefacts.Package{Ecosystem: "Alpine", Distro: "v3.18", Name: "busybox", Version: "1.36.1-r15"}, imagefacts.OS{}, nil},
		{"CVSS v4 only is unrated", imagefacts.Package{Ecosystem: "Alpine", Distro: "v3.19", Name: "openssl", Version: "3.1.4-r4"}, imagefacts.OS{}, []want{{"STRATA-TEST-2024-0005", "3.1.4-r5", ""}}},
		{"alpine before introduced", imagefacts.Package{Ecosystem: "Alpine", Distro: "v3.19", Name: "openssl", Version: "3.0.12-r0"}, imagefacts.OS{}, nil},
		{"go first window", imagefacts.Package{Ecosystem: "Go", Name: "golang.org/x/net", Version: "v0.22.0"}, imagefacts.OS{ID: "debian", VersionID: "12"}, []want{{"STRATA-TEST-2024-0006", "0.23.0", "high"}}},
		{"go second window", imagefacts.Package{Ecosystem: "Go", Name: "golang.org/x/net", Version: "v0.31.0"}, imagefacts.OS{}, []want{{"STRATA-TEST-2024-0006", "0.33.0", "high"}}},
		{"go between windows", imagefacts.Package{Ecosystem: "Go", Name: "golang.org/x/net", Version: "v0.25.0"}, imagefacts.OS{}, nil},
		{"go fixed", imagefacts.Package{Ecosystem: "Go", Name: "golang.org/x/net", Version: "v0.33.0"}, imagefacts.OS{}, nil},
		{"go stdlib toolchain version", imagefacts.Package{Ecosystem: "Go", Name: "stdlib", Version: "go1.22.2"}, imagefacts.OS{}, []want{{"STRATA-TEST-2024-0007", "1.22.4", "medium"}}},
		{"go stdlib fixed", imagefacts.Package{Ecosystem: "Go", Name: "stdlib", Version: "go1.21.11"}, imagefacts.OS{}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			vs, info, err := db.Match([]imagefacts.Package{c.pkg}, c.os)
			if err != nil || info == nil || info.Records != 7 {
				t.Fatalf("Match: %v, info %+v", err, info)
			}
			if len(vs) != len(c.want) {
				t.Fatalf("got %d vulnerabilities %+v, want %+v", len(vs), vs, c.want)
			}
			for i, w := range c.want {
				v := vs[i]
				if v.ID != w.id || v.Fixed != w.fixed || v.Severity != w.severity || v.Package != c.pkg.Name || v.Installed != c.pkg.Version {
					t.Errorf("got %+v, want %+v", v, w)
				}
			}
		})
	}
}

func TestMatchDetails(t *testing.T) {
	dir, _ := importFixtures(t)
	db := openDB(t, dir)
	vs, _, err := db.Match([]imagefacts.Package{
		deb("libssl3", "openssl", "3.0.11-1~deb12u2"),
		deb("openssl", "openssl", "3.0.11-1~deb12u2"),
		{Ecosystem: "Alpine", Distro: "v3.19", Name: "busybox", Version: "1.36.1-r15"},
		{Ecosystem: "Go", Name: "stdlib", Version: "go1.21.1"},
	}, imagefacts.OS{})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 4 {
		t.Fatalf("got %d vulnerabilities, want 4 (one per package): %+v", len(vs), vs)
	}
	busybox := vs[0]
	if busybox.Package != "busybox" {
		t.Fatalf("not sorted by package: %+v", vs)
	}
	if busybox.Summary != "TEST DATA: busybox wget follows redirects to file URLs (not a real advisory)." ||
		busybox.URL != "https://osv.dev/vulnerability/STRATA-TEST-2024-0004" || busybox.Ecosystem != "Alpine:v3.19" {
		t.Errorf("busybox = %+v: want the summary from the first line of details and the osv.dev URL", busybox)
	}
	ssl := vs[1]
	if ssl.Package != "libssl3" || ssl.CVSS != 9.8 || ssl.Vector != "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" ||
		ssl.URL != "https://example.org/strata-test/STRATA-TEST-2024-0001" || len(ssl.Aliases) != 1 || ssl.Aliases[0] != "CVE-2099-90001" {
		t.Errorf("libssl3 = %+v: want CVSS 9.8, the vector, the ADVISORY URL and the alias", ssl)
	}
	if vs[3].Fixed != "1.21.11" || vs[3].Ecosystem != "Go" {
		t.Errorf("stdlib = %+v", vs[3])
	}
}

func TestUnmatched(t *testing.T) {
	dir, _ := importFixtures(t)
	db := openDB(t, dir)
	pkgs := []imagefacts.Package{
		{Ecosystem: "npm", Name: "left-pad", Version: "1.0.0"},
		{Ecosystem: "npm", Name: "lodash", Version: "4.17.0"},
		{Ecosystem: "Ubuntu", Distro: "22.04", Name: "bash", Version: "5.1-6ubuntu1"},
		{Ecosystem: "Go", Name: "example.com/app", Version: "(devel)"},
		deb("bash", "", "5.2.15-2"),
	}
	res, err := db.MatchAll(pkgs, imagefacts.OS{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Matched != 1 || len(res.Vulnerabilities) != 1 {
		t.Errorf("matched %d packages with %d vulnerabilities, want 1 and 1", res.Matched, len(res.Vulnerabilities))
	}
	got := map[string]Unmatched{}
	for _, u := range res.Unmatched {
		got[u.Ecosystem] = u
	}
	if u := got["npm"]; u.Packages != 2 || u.Reason != "strata cannot compare npm versions" || len(u.Examples) != 2 {
		t.Errorf("npm = %+v", u)
	}
	if u := got["Ubuntu:22.04"]; u.Packages != 1 || !strings.Contains(u.Reason, "holds no Ubuntu:22.04 advisories") {
		t.Errorf("Ubuntu = %+v", u)
	}
	if u := got["Go"]; u.Packages != 1 || !strings.Contains(u.Reason, "not a valid semver version") || u.Examples[0] != "example.com/app (devel)" {
		t.Errorf("Go = %+v", u)
	}
	if len(res.Unmatched) != 3 {
		t.Errorf("unmatched = %+v", res.Unmatched)
	}
	if un := db.Unmatched(pkgs, imagefacts.OS{}); len(un) != 3 {
		t.Errorf("Unmatched = %+v", un)
	}
	// Match, the image analyser's entry point, hands the same groups to the check through the
	// database info, so an image whose packages could not be judged is never read as clean.
	_, info, err := db.Match(pkgs, imagefacts.OS{})
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Unmatched) != 3 || !strings.Contains(strings.Join(info.Unmatched, "|"), "npm: 2 package(s) (left-pad, lodash): strata cannot compare npm versions") {
		t.Errorf("Match info unmatched = %q", info.Unmatched)
	}
}

// writeRecord writes a record file for merge tests.
func writeRecord(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

const mergeRecord = `{"id": "STRATA-TEST-2024-0001", "modified": "%s", "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
 "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "%s"}]}]}]}`

func TestImportMerges(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "osv")
	ctx := context.Background()
	// Alpine first, then Debian: both stay.
	if _, err := Import(ctx, dir, filepath.Join(fixtures, "alpine")); err != nil {
		t.Fatal(err)
	}
	st, err := Import(ctx, dir, filepath.Join(fixtures, "debian"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Added != 4 || st.DB.Name != "OSV (Alpine, Debian)" || st.DB.Records != 5 {
		t.Errorf("second import = %+v", st)
	}

	// A newer copy of a record replaces it; an older copy is ignored.
	src := t.TempDir()
	writeRecord(t, src, "newer.json", fmt.Sprintf(mergeRecord, "2025-01-01T00:00:00Z", "3.0.16-1~deb12u1"))
	st, err = Import(ctx, dir, src)
	if err != nil || st.Updated != 1 || st.Added != 0 {
		t.Fatalf("newer import = %+v, %v", st, err)
	}
	older := t.TempDir()
	writeRecord(t, older, "older.json", fmt.Sprintf(mergeRecord, "2020-01-01T00:00:00Z", "3.0.0-1"))
	st, err = Import(ctx, dir, older)
	if err != nil || st.Kept != 1 || st.Updated != 0 {
		t.Fatalf("older import = %+v, %v", st, err)
	}
	db := openDB(t, dir)
	vs, _, err := db.Match([]imagefacts.Package{deb("openssl", "", "3.0.15-1~deb12u1"),
		{Ecosystem: "Alpine", Distro: "v3.19", Name: "busybox", Version: "1.36.1-r1"}}, imagefacts.OS{})
	if err != nil || len(vs) != 2 || vs[1].Fixed != "3.0.16-1~deb12u1" {
		t.Fatalf("after merge: %+v, %v; want busybox and openssl fixed in 3.0.16-1~deb12u1", vs, err)
	}
	// The newer copy has no severity: the merged record is the imported one, not a blend.
	if vs[1].Severity != "" {
		t.Errorf("merged record kept old severity: %+v", vs[1])
	}
	gens, _ := filepath.Glob(filepath.Join(dir, genPrefix+"*"))
	if len(gens) != 1 {
		t.Errorf("generations left behind: %v", gens)
	}
}

func TestImportFailureLeavesDatabase(t *testing.T) {
	dir, _ := importFixtures(t)
	before, err := os.ReadFile(filepath.Join(dir, currentFile))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := Import(ctx, dir, "testdata/invalid")
	if !errors.Is(err, ErrNothingValid) || len(st.Skipped) != 3 {
		t.Fatalf("import of invalid records = %+v, %v; want ErrNothingValid and 3 skipped", st, err)
	}
	if _, err := Import(ctx, dir, filepath.Join(t.TempDir(), "missing")); err == nil || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("import of a missing path = %v", err)
	}
	// A corrupt existing database is reported, not silently replaced.
	gen, _ := currentGeneration(dir)
	if err := os.WriteFile(filepath.Join(gen, entriesFile), []byte("not json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Import(ctx, dir, fixtures); err == nil || !strings.Contains(err.Error(), "remove "+dir) {
		t.Fatalf("import over a corrupt database = %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, currentFile))
	if string(after) != string(before) {
		t.Errorf("CURRENT changed from %q to %q by failed imports", before, after)
	}
	gens, _ := filepath.Glob(filepath.Join(dir, genPrefix+"*"))
	if len(gens) != 1 {
		t.Errorf("failed imports left generations: %v", gens)
	}
}

func TestImportReportsInvalidRecords(t *testing.T) {
	src := t.TempDir()
	for _, name := range []string{"no-id.json", "bad-event.json", "truncated.json"} {
		data, err := os.ReadFile(filepath.Join("testdata/invalid", name))
		if err != nil {
			t.Fatal(err)
		}
		writeRecord(t, filepath.Join(src, "bad"), name, string(data))
	}
	good, _ := os.ReadFile(filepath.Join(fixtures, "alpine", "STRATA-TEST-2024-0004.json"))
	writeRecord(t, src, "good.json", string(good))
	writeRecord(t, src, "notes.txt", "not a record, not read")
	st, err := Import(context.Background(), filepath.Join(t.TempDir(), "db"), src)
	if err != nil || st.Read != 1 || len(st.Skipped) != 3 {
		t.Fatalf("Import = %+v, %v", st, err)
	}
	reasons := map[string]string{}
	for _, p := range st.Skipped {
		reasons[filepath.Base(p.File)] = p.Reason
	}
	for file, want := range map[string]string{
		"no-id.json":     "id: missing",
		"bad-event.json": "STRATA-TEST-BAD-0001: affected[0].ranges[0].events[0]: an event has exactly one of",
		"truncated.json": "not an OSV JSON record",
	} {
		if !strings.Contains(reasons[file], want) {
			t.Errorf("%s: reason %q, want it to contain %q", file, reasons[file], want)
		}
	}
}

// zipDir packs every file under root into a zip at path, plus extra entries.
func zipDir(t *testing.T, root, path string, extra map[string]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		w, err := zw.Create(d.Name())
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range extra {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestImportZip(t *testing.T) {
	zp := filepath.Join(t.TempDir(), "all.zip")
	zipDir(t, fixtures, zp, map[string]string{
		"BROKEN-1.json": `{"id": "BROKEN-1"}`,
		"big.json":      `{"id": "BIG-1", "modified": "2024-01-01T00:00:00Z", "summary": "` + strings.Repeat("x", MaxRecordBytes) + `"}`,
	})
	dir := filepath.Join(t.TempDir(), "db")
	st, err := Import(context.Background(), dir, zp)
	if err != nil {
		t.Fatal(err)
	}
	if st.Read != 8 || len(st.Skipped) != 2 {
		t.Fatalf("zip import = %+v", st)
	}
	for _, p := range st.Skipped {
		if p.File != zp || (p.Entry != "BROKEN-1.json" && p.Entry != "big.json") {
			t.Errorf("problem %v does not name the zip and its entry", p)
		}
		if p.Entry == "big.json" && !strings.Contains(p.Reason, "larger than 4 MiB") {
			t.Errorf("big entry: %v", p)
		}
	}
	if got := openDB(t, dir).Info().Records; got != 7 {
		t.Errorf("records = %d", got)
	}
	// A file that is not a zip is an error about the source, not a skipped record.
	bad := filepath.Join(t.TempDir(), "bad.zip")
	writeRecord(t, filepath.Dir(bad), "bad.zip", "not a zip")
	if _, err := Import(context.Background(), dir, bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("import of a non-zip = %v", err)
	}
}

func TestMatchConcurrent(t *testing.T) {
	dir, _ := importFixtures(t)
	db := openDB(t, dir)
	pkgs := []imagefacts.Package{deb("libssl3", "openssl", "3.0.11-1~deb12u2"), {Ecosystem: "Go", Name: "stdlib", Version: "go1.21.1"}}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			vs, _, err := db.Match(pkgs, imagefacts.OS{})
			if err == nil && len(vs) != 2 {
				err = fmt.Errorf("got %d vulnerabilities, want 2", len(vs))
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
