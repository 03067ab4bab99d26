package osv

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDecodeRecordRejects(t *testing.T) {
	const pkg = `"package": {"ecosystem": "Debian:12", "name": "tar"}`
	for _, c := range []struct{ body, want string }{
		{`[]`, "not an OSV JSON record"},
		{`{"id": "A-1", "modified": "2024-01-01T00:00:00Z"} {}`, "data after the record"},
		{`{"modified": "2024-01-01T00:00:00Z"}`, "id: missing"},
		{`{"id": "has space", "modified": "2024-01-01T00:00:00Z"}`, "not an advisory identifier"},
		{`{"id": "A-1"}`, "A-1: modified"},
		{`{"id": "A-1", "modified": "yesterday"}`, "A-1: modified"},
		{`{"id": "A-1", "modified": "2024-01-01T00:00:00Z", "aliases": ["<script>"]}`, "aliases[0]"},
		{`{"id": "A-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "", "name": "tar"}}]}`, "affected[0].package.ecosystem"},
		{`{"id": "A-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "Debian:12", "name": ""}}]}`, "affected[0].package.name"},
		{`{"id": "A-1", "modified": "2024-01-01T00:00:00Z", "affected": [{` + pkg + `, "ranges": [{"type": "DATE", "events": [{"introduced": "0"}]}]}]}`, `affected[0].ranges[0].type: "DATE"`},
		{`{"id": "A-1", "modified": "2024-01-01T00:00:00Z", "affected": [{` + pkg + `, "ranges": [{"type": "ECOSYSTEM", "events": []}]}]}`, "ranges[0].events: 0 events"},
		{`{"id": "A-1", "modified": "2024-01-01T00:00:00Z", "affected": [{` + pkg + `, "ranges": [{"type": "ECOSYSTEM", "events": [{"fixed": "1.0"}]}]}]}`, "no introduced event"},
		{`{"id": "A-1", "modified": "2024-01-01T00:00:00Z", "affected": [{` + pkg + `, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"patched": "1.0"}]}]}]}`, `events[1]: unknown event "patched"`},
		{`{"id": "A-1", "modified": "2024-01-01T00:00:00Z", "affected": [{` + pkg + `, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": ""}]}]}]}`, "events[0].introduced"},
		{`{"id": "A-1", "modified": "2024-01-01T00:00:00Z", "affected": [{` + pkg + `, "versions": [""]}]}`, "affected[0].versions[0]"},
		{`{"id": 7, "modified": "2024-01-01T00:00:00Z"}`, "not an OSV JSON record"},
	} {
		if _, err := decodeRecord([]byte(c.body)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("decodeRecord(%s) = %v, want error containing %q", c.body, err, c.want)
		}
	}
	if _, err := decodeRecord(make([]byte, MaxRecordBytes+1)); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized record: %v", err)
	}
}

func TestDecodeRecordKeeps(t *testing.T) {
	r, err := decodeRecord([]byte(`{"id": "A-1", "modified": "2024-01-01T00:00:00.123Z",
	  "summary": "  two\tspaced\nlines  ",
	  "references": [{"type": "ADVISORY", "url": "javascript:alert(1)"}, {"type": "WEB", "url": "https://example.org/a"}],
	  "affected": [
	    {"ranges": [{"type": "GIT", "repo": "https://example.org/r.git", "events": [{"introduced": "0"}]}]},
	    {"package": {"ecosystem": "Debian:12", "name": "tar"}, "ranges": [{"type": "GIT", "events": [{"introduced": "0"}]}]},
	    {"package": {"ecosystem": "Debian:12", "name": "gzip"}, "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],
	     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"limit": "2.0"}]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	// Only gzip is matchable: the package-less and GIT-only elements say nothing strata can use.
	if len(r.Entries) != 1 || r.Entries[0].Name != "gzip" {
		t.Fatalf("entries = %+v", r.Entries)
	}
	e := r.Entries[0]
	if e.Summary != "two spaced lines" || e.URL != "https://example.org/a" || e.Severity != "high" || e.CVSS != 7.5 {
		t.Errorf("entry = %+v: want a cleaned summary, the http(s) WEB URL and the per-package CVSS", e)
	}
	if r.Modified.Nanosecond() != 123e6 {
		t.Errorf("modified = %v", r.Modified)
	}
}

func TestSeverityOf(t *testing.T) {
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	v3 := osvSeverity{Type: "CVSS_V3", Score: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"}
	v4 := osvSeverity{Type: "CVSS_V4", Score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}
	for _, c := range []struct {
		name  string
		sevs  []osvSeverity
		spec  []json.RawMessage
		want  string
		score float64
	}{
		{"CVSS v3 decides over a word", []osvSeverity{v4, v3}, []json.RawMessage{raw(`{"severity": "LOW"}`)}, "high", 7.8},
		{"CVSS v4 alone is unrated", []osvSeverity{v4}, nil, "", 0},
		{"CVSS v4 with a stated word", []osvSeverity{v4}, []json.RawMessage{raw(`{"severity": "CRITICAL"}`)}, "critical", 0},
		{"GHSA moderate", nil, []json.RawMessage{raw(`{"severity": "MODERATE"}`)}, "medium", 0},
		{"Ubuntu priority", []osvSeverity{{Type: "Ubuntu", Score: "negligible"}}, nil, "low", 0},
		{"invalid vector falls back to the word", []osvSeverity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N"}}, []json.RawMessage{nil, raw(`{"severity": "high"}`)}, "high", 0},
		{"severity not a string", nil, []json.RawMessage{raw(`{"severity": {"level": 3}}`)}, "", 0},
		{"unknown word", nil, []json.RawMessage{raw(`{"severity": "spicy"}`)}, "", 0},
		{"nothing", nil, nil, "", 0},
	} {
		got, score, _ := severityOf(c.sevs, c.spec...)
		if got != c.want || score != c.score {
			t.Errorf("%s: severityOf = %q %v, want %q %v", c.name, got, score, c.want, c.score)
		}
	}
}

func TestSplitEcosystem(t *testing.T) {
	for eco, want := range map[string]string{
		"Debian:12":            "Debian|12",
		"Debian:12.5":          "Debian|12",
		"Alpine:v3.19":         "Alpine|v3.19",
		"Alpine:3.19.1":        "Alpine|v3.19",
		"Ubuntu:22.04:LTS":     "Ubuntu|22.04",
		"Ubuntu:24.10":         "Ubuntu|24.10",
		"Ubuntu:Pro:20.04:LTS": "Ubuntu:Pro|20.04",
		"Go":                   "Go|",
		"Red Hat:9":            "Red Hat|9",
	} {
		base, rel := splitEcosystem(eco)
		if got := base + "|" + rel; got != want {
			t.Errorf("splitEcosystem(%q) = %s, want %s", eco, got, want)
		}
	}
}

func TestRangeAffects(t *testing.T) {
	ev := func(kv ...string) vrange {
		var r vrange
		for i := 0; i < len(kv); i += 2 {
			r.Events = append(r.Events, event{Kind: kv[i], Version: kv[i+1]})
		}
		return r
	}
	o := dpkgOrder{}
	for _, c := range []struct {
		name, v string
		r       vrange
		hit     bool
		fixed   string
	}{
		{"introduced 0, no fix", "1.0", ev(evIntroduced, "0"), true, ""},
		{"below fix", "1.0", ev(evIntroduced, "0", evFixed, "1.1"), true, "1.1"},
		{"at fix", "1.1", ev(evIntroduced, "0", evFixed, "1.1"), false, ""},
		{"at introduced", "1.0", ev(evIntroduced, "1.0", evFixed, "1.1"), true, "1.1"},
		{"below introduced", "0.9", ev(evIntroduced, "1.0", evFixed, "1.1"), false, ""},
		{"events out of order", "1.5", ev(evFixed, "2.0", evIntroduced, "1.0"), true, "2.0"},
		{"second window, first fix below", "2.5", ev(evIntroduced, "0", evFixed, "1.1", evIntroduced, "2.0", evFixed, "2.7"), true, "2.7"},
		{"between windows", "1.5", ev(evIntroduced, "0", evFixed, "1.1", evIntroduced, "2.0", evFixed, "2.7"), false, ""},
		{"first window reports the fix above", "0.5", ev(evIntroduced, "0", evFixed, "1.1", evIntroduced, "2.0", evFixed, "2.7"), true, "1.1"},
		{"at last_affected", "1.4", ev(evIntroduced, "0", evLastAffected, "1.4"), true, ""},
		{"above last_affected", "1.4-1", ev(evIntroduced, "0", evLastAffected, "1.4"), false, ""},
		{"below limit", "1.0", ev(evIntroduced, "0", evLimit, "2.0"), true, ""},
		{"at limit", "2.0", ev(evIntroduced, "0", evLimit, "2.0"), false, ""},
		{"tilde version below fix", "1.1~rc1", ev(evIntroduced, "0", evFixed, "1.1"), true, "1.1"},
	} {
		hit, fixed := c.r.affects(o, c.v)
		if hit != c.hit || fixed != c.fixed {
			t.Errorf("%s: affects(%s) = %v %q, want %v %q", c.name, c.v, hit, fixed, c.hit, c.fixed)
		}
	}
}

// FuzzImportRecord feeds arbitrary bytes to the record decoder and matches whatever it accepts
// against a few versions: nothing may panic, and accepted records must be bounded.
func FuzzImportRecord(f *testing.F) {
	for _, dir := range []string{"testdata/osv/debian", "testdata/osv/alpine", "testdata/osv/go", "testdata/invalid"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := decodeRecord(data)
		if err != nil {
			return
		}
		if r.ID == "" || len(r.Entries) > maxAffected {
			t.Fatalf("accepted record without id or unbounded: %+v", r)
		}
		for i := range r.Entries {
			e := &r.Entries[i]
			base, _ := splitEcosystem(e.Ecosystem)
			o, ok := orderFor(base)
			if !ok {
				o = dpkgOrder{}
			}
			for _, v := range []string{"0", "1.0", "1:2.3-4", "v1.2.3", "1.2_rc1-r3"} {
				e.affects(o, v)
			}
		}
	})
}
