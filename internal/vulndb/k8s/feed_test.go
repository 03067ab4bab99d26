package k8s

import (
	"slices"
	"strings"
	"testing"
	"time"
)

const sampleFeed = `{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Kubernetes Vulnerability Announcements - CVE Feed",
  "items": [
    {"id": "CVE-2024-10220", "url": "https://github.com/kubernetes/kubernetes/issues/128885",
     "summary": "Arbitrary command execution through gitRepo volume", "date_published": "2024-11-20T15:30:44Z"},
    {"id": "CVE-2026-99901, CVE-2026-99902", "url": "https://github.com/kubernetes/kubernetes/issues/139001",
     "external_url": "https://www.cve.org/cverecord?id=CVE-2026-99901",
     "summary": "Two issues announced together", "date_published": "2026-10-02T10:00:00Z"},
    {"id": "CVE-2026-99903", "url": "",
     "summary": "", "date_published": "not a date"},
    {"id": "GHSA-xxxx-yyyy", "url": "https://github.com/kubernetes/kubernetes/issues/139002", "summary": "no CVE id"}
  ]
}`

func TestParseFeed(t *testing.T) {
	f, err := ParseFeed([]byte(sampleFeed))
	if err != nil || len(f.Items) != 4 {
		t.Fatalf("ParseFeed = %+v, %v", f, err)
	}
	for _, tc := range []struct{ doc, want string }{
		{`{`, "parse CVE feed"},
		{`{"version": "1.0", "items": [{"id": "CVE-2024-1"}]}`, "not a JSON Feed version"},
		{`{"version": "https://jsonfeed.org/version/1.1", "items": []}`, "lists no CVEs"},
		{`<html>maintenance</html>`, "parse CVE feed"},
	} {
		if _, err := ParseFeed([]byte(tc.doc)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseFeed(%q) error %v, want %q", tc.doc, err, tc.want)
		}
	}
}

func TestMerge(t *testing.T) {
	base := embeddedForTest(t)
	f, err := ParseFeed([]byte(sampleFeed))
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	merged, ch, err := base.Merge(f, today)
	if err != nil {
		t.Fatal(err)
	}
	var added []string
	for _, c := range ch.Added {
		added = append(added, c.ID)
	}
	if !slices.Equal(added, []string{"CVE-2026-99901", "CVE-2026-99902", "CVE-2026-99903"}) {
		t.Errorf("added %v", added)
	}
	if ch.Known != 1 || len(ch.Updated) != 0 || !slices.Equal(ch.Skipped, []string{"GHSA-xxxx-yyyy"}) {
		t.Errorf("changes %+v", ch)
	}
	if merged.DateString() != "2026-12-03" || base.DateString() != "2026-11-26" {
		t.Errorf("merged date %s, base date %s", merged.DateString(), base.DateString())
	}
	// Curated entries keep their ranges; new ones are listed but never matched.
	if _, ok := find(merged.Match("kubelet", "v1.30.2"), "CVE-2024-10220"); !ok {
		t.Error("curated CVE-2024-10220 lost its ranges")
	}
	for _, c := range merged.Unranged() {
		if c.Origin != OriginFeed || c.Severity != "unknown" || len(c.Affected) != 0 {
			t.Errorf("feed entry %+v", c)
		}
	}
	third := merged.Unranged()[2]
	if third.Title == "" || third.URL != "https://www.cve.org/CVERecord?id=CVE-2026-99903" || third.Published != "" {
		t.Errorf("an item without summary, URL or date: %+v", third)
	}
	for _, comp := range Components {
		for _, v := range merged.Match(comp, "v1.37.2") {
			if strings.HasPrefix(v.ID, "CVE-2026-999") {
				t.Errorf("unranged %s matched %s", v.ID, comp)
			}
		}
	}

	// Merging the same feed again changes nothing; a changed summary updates the feed entry.
	_, again, err := merged.Merge(f, today)
	if err != nil || !again.Empty() || again.Known != 4 {
		t.Errorf("second merge: %+v, %v", again, err)
	}
	f.Items[1].Summary = "Two issues, summary edited"
	_, edited, err := merged.Merge(f, today)
	if err != nil || len(edited.Updated) != 2 || len(edited.Added) != 0 {
		t.Errorf("edited merge: %+v, %v", edited, err)
	}
}
