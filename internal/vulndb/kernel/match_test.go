package kernel

import (
	"strings"
	"testing"
)

func TestEmbeddedDataset(t *testing.T) {
	db, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"CVE-2016-5195", "CVE-2019-5736", "CVE-2021-22555", "CVE-2022-0185", "CVE-2022-0492",
		"CVE-2022-0847", "CVE-2023-0386", "CVE-2023-2640", "CVE-2023-32629", "CVE-2024-1086"}
	var got []string
	for _, c := range db.CVEs() {
		got = append(got, c.ID)
		for _, r := range c.References {
			if !strings.HasPrefix(r, "https://") {
				t.Errorf("%s: reference %q is not HTTPS", c.ID, r)
			}
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("dataset CVEs = %v, want %v", got, want)
	}
	if db.Assembled() != "2026-11-26" {
		t.Errorf("assembled %s", db.Assembled())
	}
}

// matches renders the matches of a release as "ID/confidence/fixed".
func matches(t *testing.T, release, hint, proc string) string {
	t.Helper()
	db, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseRelease(release, hint, proc)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range db.Match(r) {
		out = append(out, m.CVE.ID+"/"+string(m.Confidence)+"/"+m.Fixed)
	}
	return strings.Join(out, " ")
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		name, release, hint, proc, want string
	}{
		// Dirty Pipe boundaries in each series.
		{"dirty pipe first affected", "5.8.0", "", "", "CVE-2021-22555/possible/5.10.32 CVE-2022-0185/possible/5.10.93 CVE-2022-0492/possible/5.10.97 CVE-2022-0847/possible/5.10.102 CVE-2024-1086/possible/5.10.209"},
		{"5.10.101 affected", "5.10.101", "", "", "CVE-2022-0847/possible/5.10.102 CVE-2024-1086/possible/5.10.209"},
		{"5.10.102 fixed", "5.10.102", "", "", "CVE-2024-1086/possible/5.10.209"},
		{"5.15.24 affected", "5.15.24", "", "", "CVE-2022-0847/possible/5.15.25 CVE-2023-0386/possible/5.15.91 CVE-2024-1086/possible/5.15.149"},
		{"5.16.10 affected", "5.16.10", "", "", "CVE-2022-0847/possible/5.16.11 CVE-2023-0386/possible/6.1.9 CVE-2024-1086/possible/6.1.76"},
		{"5.16.11 fixed", "5.16.11", "", "", "CVE-2023-0386/possible/6.1.9 CVE-2024-1086/possible/6.1.76"},
		{"5.4 before dirty pipe", "5.4.300", "", "", ""},
		// nf_tables per stable series.
		{"6.1.75", "6.1.75", "", "", "CVE-2024-1086/possible/6.1.76"},
		{"6.1.76", "6.1.76", "", "", ""},
		{"6.6.14", "6.6.14", "", "", "CVE-2024-1086/possible/6.6.15"},
		{"6.7.3", "6.7.3", "", "", ""},
		{"6.8 unaffected", "6.8.0", "", "", ""},
		// Dirty COW.
		{"4.4.25", "4.4.25", "", "", "CVE-2016-5195/possible/4.4.26 CVE-2021-22555/possible/4.4.267 CVE-2022-0492/possible/4.9.301 CVE-2024-1086/possible/4.19.306"},
		{"4.8.2", "4.8.2-custom", "", "", "CVE-2016-5195/possible/4.8.3 CVE-2021-22555/possible/4.9.267 CVE-2022-0492/possible/4.9.301 CVE-2024-1086/possible/4.19.306"},
		// Amazon Linux tracks upstream stable: possible.
		{"amazon linux", "5.10.205-195.807.amzn2.x86_64", "", "", "CVE-2024-1086/possible/5.10.209"},
		// RHEL: upstream comparison is unreliable.
		{"rhel 8", "4.18.0-513.el8.x86_64", "", "", "CVE-2021-22555/unknown/4.19.188 CVE-2022-0492/unknown/4.19.229 CVE-2024-1086/unknown/4.19.306"},
		// Ubuntu hides the patch level: series-level matches are unknown; the Ubuntu-only
		// CVEs match on the ABI.
		{"ubuntu 6.2 before fix", "6.2.0-25-generic", "", "", "CVE-2023-2640/possible/6.2.0-26 CVE-2023-32629/possible/6.2.0-26 CVE-2024-1086/unknown/6.6.15"},
		{"ubuntu 6.2 fixed", "6.2.0-26-generic", "Ubuntu 23.04", "", "CVE-2024-1086/unknown/6.6.15"},
		{"ubuntu 5.4 before fix", "5.4.0-150-generic", "", "", "CVE-2021-22555/unknown/5.4.114 CVE-2022-0185/unknown/5.4.173 CVE-2022-0492/unknown/5.4.177 CVE-2023-2640/possible/5.4.0-155 CVE-2023-32629/possible/5.4.0-155 CVE-2024-1086/unknown/5.4.268"},
		{"ubuntu 5.15 not listed by canonical", "5.15.0-91-generic", "", "", "CVE-2022-0185/unknown/5.15.16 CVE-2022-0492/unknown/5.15.20 CVE-2022-0847/unknown/5.15.25 CVE-2023-0386/unknown/5.15.91 CVE-2024-1086/unknown/5.15.149"},
		{"ubuntu 6.8", "6.8.0-45-generic", "", "", ""},
		// The Ubuntu-only CVEs never match other distributions at the same version.
		{"debian 6.2-like is not ubuntu", "6.2.0-25-amd64", "", "", "CVE-2024-1086/unknown/6.6.15"},
		// Debian with /proc/version: the real patch level decides.
		{"debian fixed", "6.1.0-18-amd64", "debian", "Debian 6.1.76-1 (2024-02-01)", ""},
		{"debian affected", "6.1.0-17-amd64", "debian", "Debian 6.1.69-1 (2023-12-30)", "CVE-2024-1086/possible/6.1.76"},
		{"debian without proc", "6.1.0-17-amd64", "debian", "", "CVE-2023-0386/unknown/6.1.9 CVE-2024-1086/unknown/6.1.76"},
	} {
		if got := matches(t, tc.release, tc.hint, tc.proc); got != tc.want {
			t.Errorf("%s: Match(%s) =\n  %s\nwant\n  %s", tc.name, tc.release, got, tc.want)
		}
	}
}

func TestMatchReasons(t *testing.T) {
	db, _ := Embedded()
	for _, tc := range []struct{ release, want string }{
		{"5.10.100", "a vendor kernel may carry a backported fix"},
		{"5.10.205-195.807.amzn2.x86_64", "Amazon Linux backports fixes"},
		{"4.18.0-513.el8.x86_64", "only the vendor advisory for this exact package can tell"},
		{"5.15.0-91-generic", "does not say which upstream 5.15 patch level"},
	} {
		r, _ := ParseRelease(tc.release, "", "")
		ms := db.Match(r)
		if len(ms) == 0 || !strings.Contains(ms[0].Reason, tc.want) {
			t.Errorf("%s: reasons %+v lack %q", tc.release, ms, tc.want)
		}
	}
}

func TestRuntimeEntriesNeverMatch(t *testing.T) {
	db, _ := Embedded()
	for _, rel := range []string{"3.10.0", "4.4.0", "5.4.0", "6.1.0"} {
		r, _ := ParseRelease(rel, "", "")
		for _, m := range db.Match(r) {
			if m.CVE.Kind != KindKernel {
				t.Errorf("%s matched runtime entry %s", rel, m.CVE.ID)
			}
		}
	}
}

func TestValidateRejects(t *testing.T) {
	for _, tc := range []struct {
		name, json, want string
	}{
		{"schema", `{"schemaVersion":2,"assembled":"2026-11-26","cves":[]}`, "schema version 2"},
		{"date", `{"schemaVersion":1,"assembled":"today","cves":[]}`, "assembled date"},
		{"empty range", `{"schemaVersion":1,"assembled":"2026-11-26","cves":[{"id":"CVE-2099-0001","title":"t","kind":"kernel","severity":"high","preconditions":["p"],"references":["https://x"],"affected":[{"introduced":"5.10","fixed":"5.9.1"}]}]}`, "is empty"},
		{"bad need", `{"schemaVersion":1,"assembled":"2026-11-26","cves":[{"id":"CVE-2099-0001","title":"t","kind":"kernel","severity":"high","preconditions":["p"],"references":["https://x"],"containerNeeds":["root"],"affected":[{"introduced":"5.10"}]}]}`, `unknown container need "root"`},
		{"distro without fixes", `{"schemaVersion":1,"assembled":"2026-11-26","cves":[{"id":"CVE-2099-0001","title":"t","kind":"kernel","severity":"high","preconditions":["p"],"references":["https://x"],"distro":"ubuntu"}]}`, "needs distroFixed"},
		{"runtime with ranges", `{"schemaVersion":1,"assembled":"2026-11-26","cves":[{"id":"CVE-2099-0001","title":"t","kind":"runtime","component":"runc","runtimeAffected":"all","severity":"high","preconditions":["p"],"references":["https://x"],"affected":[{"introduced":"1.0"}]}]}`, "no kernel ranges"},
		{"duplicate", `{"schemaVersion":1,"assembled":"2026-11-26","cves":[{"id":"CVE-2099-0001","title":"t","kind":"kernel","severity":"high","preconditions":["p"],"references":["https://x"],"affected":[{"introduced":"5.10"}]},{"id":"CVE-2099-0001","title":"t","kind":"kernel","severity":"high","preconditions":["p"],"references":["https://x"],"affected":[{"introduced":"5.10"}]}]}`, "listed twice"},
	} {
		_, err := decode([]byte(tc.json))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}
