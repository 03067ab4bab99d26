package k8s

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/cvss"
)

func embeddedForTest(t *testing.T) *DB {
	t.Helper()
	db, err := Embedded()
	if err != nil {
		t.Fatalf("embedded dataset: %v", err)
	}
	return db
}

func TestEmbeddedDataset(t *testing.T) {
	db := embeddedForTest(t)
	if got := db.DateString(); got != "2026-11-26" {
		t.Errorf("date = %s, want 2026-11-26", got)
	}
	for minor := 19; minor <= 37; minor++ {
		if _, ok := db.Release(fmt.Sprintf("1.%d", minor)); !ok {
			t.Errorf("release 1.%d missing", minor)
		}
	}
	want := []string{
		"CVE-2018-1002105", "CVE-2019-11247", "CVE-2019-11253", "CVE-2020-8554", "CVE-2020-8558", "CVE-2020-8559",
		"CVE-2021-25741", "CVE-2021-25735", "CVE-2022-3172", "CVE-2023-2431", "CVE-2023-2727", "CVE-2023-2728",
		"CVE-2023-3676", "CVE-2023-3955", "CVE-2023-3893", "CVE-2023-5528", "CVE-2024-3177", "CVE-2024-10220", "CVE-2025-0426",
	}
	have := map[string]CVE{}
	for _, c := range db.CVEs() {
		have[c.ID] = c
	}
	for _, id := range want {
		if _, ok := have[id]; !ok {
			t.Errorf("%s missing", id)
		}
	}
	if c := have["CVE-2020-8554"]; !c.NoFix || c.Mitigation == "" {
		t.Errorf("CVE-2020-8554 must be marked as needing a mitigation: %+v", c)
	}
	for _, skip := range []string{"CVE-2024-9486", "CVE-2025-1974"} {
		if _, ok := have[skip]; ok {
			t.Errorf("%s is not a Kubernetes core component CVE and does not belong here", skip)
		}
	}
	if len(db.Unranged()) != 0 {
		t.Errorf("the embedded dataset holds only curated entries")
	}
}

// TestScoresMatchVectors recomputes every CVSS score from its vector: a typo in either shows.
func TestScoresMatchVectors(t *testing.T) {
	for _, c := range embeddedForTest(t).CVEs() {
		if c.Vector == "" {
			t.Errorf("%s has no CVSS vector", c.ID)
			continue
		}
		got, err := cvss.BaseScore(c.Vector)
		if err != nil {
			t.Errorf("%s: %v", c.ID, err)
			continue
		}
		if got != c.CVSS {
			t.Errorf("%s: vector %s scores %.1f, dataset says %.1f", c.ID, c.Vector, got, c.CVSS)
		}
	}
}

// TestRangesDoNotOverlap keeps each CVE's ranges ordered and disjoint, so a version falls in at
// most one of them and its fixed version is the right one.
func TestRangesDoNotOverlap(t *testing.T) {
	db := embeddedForTest(t)
	for _, c := range db.CVEs() {
		rs := db.ranges[c.ID]
		for i := 1; i < len(rs); i++ {
			prev := rs[i-1]
			if prev.fixed == nil || rs[i].introduced.LessThan(prev.fixed) {
				t.Errorf("%s: range %d overlaps the one before it", c.ID, i)
			}
		}
	}
}

func TestEOL(t *testing.T) {
	db := embeddedForTest(t)
	for _, tc := range []struct {
		version    string
		eol, known bool
		date       string
	}{
		{"v1.24.3", true, true, "2023-07-28"},
		{"v1.32.0", true, true, "2026-02-28"},
		{"v1.34.1", true, true, "2026-10-27"}, // a month before the dataset's date
		{"v1.35.0", false, true, "2027-02-28"},
		{"v1.37.2", false, true, "2027-10-28"},
		{"v1.29.3-eks-1a2b", true, true, "2025-02-28"},
		{"1.30", true, true, "2025-07-15"},
		{"v1.1.0", true, true, ""}, // older than every release in the dataset
		{"v1.38.0", false, false, ""},
		{"v2.0.0", false, false, ""},
		{"latest", false, false, ""},
	} {
		eol, date, known := db.EOL(tc.version)
		gotDate := ""
		if !date.IsZero() {
			gotDate = date.Format("2006-01-02")
		}
		if eol != tc.eol || known != tc.known || gotDate != tc.date {
			t.Errorf("EOL(%q) = %v, %q, %v; want %v, %q, %v", tc.version, eol, gotDate, known, tc.eol, tc.date, tc.known)
		}
	}
}

func validDoc() document {
	return document{
		SchemaVersion: 1, Assembled: "2026-11-26",
		Releases: []Release{{Minor: "1.30", EndOfLife: "2025-07-15", FinalPatch: "1.30.14"}},
		CVEs: []CVE{{
			ID: "CVE-2024-10220", Title: "gitRepo", Components: []string{"kubelet"}, CVSS: 8.1, Severity: "high",
			URL: "https://github.com/kubernetes/kubernetes/issues/128885", Origin: OriginCurated,
			Affected: []Range{{Introduced: "0.0.0", Fixed: "1.28.12"}},
		}},
	}
}

func TestValidationRejects(t *testing.T) {
	if _, err := build(validDoc(), ""); err != nil {
		t.Fatalf("valid document rejected: %v", err)
	}
	for _, tc := range []struct {
		name   string
		mutate func(*document)
		want   string
	}{
		{"schema", func(d *document) { d.SchemaVersion = 2 }, "schemaVersion 2 is not supported"},
		{"date", func(d *document) { d.Assembled = "26/11/2026" }, "assembled"},
		{"minor", func(d *document) { d.Releases[0].Minor = "1.30.1" }, "not MAJOR.MINOR"},
		{"final patch", func(d *document) { d.Releases[0].FinalPatch = "1.31.2" }, "not a patch release of it"},
		{"duplicate", func(d *document) { d.CVEs = append(d.CVEs, d.CVEs[0]) }, "listed twice"},
		{"id", func(d *document) { d.CVEs[0].ID = "GHSA-1234" }, "not CVE-YYYY-NNNN"},
		{"severity", func(d *document) { d.CVEs[0].Severity = "medium" }, "does not match CVSS 8.1"},
		{"url", func(d *document) { d.CVEs[0].URL = "http://example.com" }, "not an HTTPS URL"},
		{"component", func(d *document) { d.CVEs[0].Components = []string{"kube-apiservr"} }, `unknown component "kube-apiservr"`},
		{"fixed before introduced", func(d *document) { d.CVEs[0].Affected[0] = Range{"1.29.0", "1.28.0"} }, "not a version after"},
		{"open range without noFix", func(d *document) { d.CVEs[0].Affected[0].Fixed = "" }, "noFix must be true"},
		{"noFix without mitigation", func(d *document) {
			d.CVEs[0].Affected[0].Fixed, d.CVEs[0].NoFix = "", true
		}, "needs a mitigation"},
		{"feed with ranges", func(d *document) { d.CVEs[0].Origin = OriginFeed }, "feed entry has no affected ranges"},
		{"origin", func(d *document) { d.CVEs[0].Origin = "guess" }, `origin "guess"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := validDoc()
			d.CVEs[0].Affected = slices.Clone(d.CVEs[0].Affected)
			tc.mutate(&d)
			_, err := build(d, "")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func writeDoc(t *testing.T, path string, d document) {
	t.Helper()
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadPrefersLocalCopy(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	path := filepath.Join(dir, "strata", LocalFile)

	db, err := Load()
	if err != nil || db.Source() != "" {
		t.Fatalf("without a local copy Load = %v, %v; want the embedded dataset", db, err)
	}

	newer := embeddedForTest(t).doc
	newer.FeedMerged = "2027-01-05"
	writeDoc(t, path, newer)
	if db, err = Load(); err != nil || db.Source() != path || db.DateString() != "2027-01-05" {
		t.Fatalf("Load = %v, %v; want the local copy of 2027-01-05", db, err)
	}

	older := validDoc()
	older.Assembled = "2025-01-01"
	writeDoc(t, path, older)
	if db, err = Load(); err != nil || db.Source() != "" {
		t.Fatalf("an older local copy must give way to the newer embedded dataset: %v, %v", db, err)
	}

	if err := os.WriteFile(path, []byte(`{"schemaVersion": 1, "assembled": `), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "invalid JSON") {
		t.Fatalf("a corrupt local copy must be an error naming it, got %v", err)
	}
	bad := validDoc()
	bad.CVEs[0].Severity = "severe"
	writeDoc(t, path, bad)
	if _, err := Load(); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), `severity "severe"`) {
		t.Fatalf("an invalid local copy must be an error naming it, got %v", err)
	}
}

func TestLocalPath(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data")
	if p, ok := LocalPath(); !ok || p != "/data/strata/k8s-cve.json" {
		t.Errorf("LocalPath = %q, %v", p, ok)
	}
	t.Setenv("XDG_DATA_HOME", "relative/dir")
	t.Setenv("HOME", "/home/u")
	if p, ok := LocalPath(); !ok || p != "/home/u/.local/share/strata/k8s-cve.json" {
		t.Errorf("a relative XDG_DATA_HOME must be ignored: LocalPath = %q, %v", p, ok)
	}
}

func TestWriteFileRoundTrip(t *testing.T) {
	db := embeddedForTest(t)
	path := filepath.Join(t.TempDir(), "sub", LocalFile)
	if err := db.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.CVEs()) != len(db.CVEs()) || !back.Date().Equal(db.Date()) {
		t.Errorf("round trip changed the dataset")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}
