package k8s

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// FeedURL is the official Kubernetes CVE feed, in JSON Feed format.
const FeedURL = "https://kubernetes.io/docs/reference/issues-security/official-cve-feed/index.json"

// Feed is the part of the official CVE feed strata reads.
type Feed struct {
	Version string     `json:"version"`
	Items   []FeedItem `json:"items"`
}

// FeedItem is one entry of the feed. Its id may name several CVEs ("CVE-2023-2727,
// CVE-2023-2728").
type FeedItem struct {
	ID            string `json:"id"`
	URL           string `json:"url"`
	ExternalURL   string `json:"external_url"`
	Summary       string `json:"summary"`
	DatePublished string `json:"date_published"`
}

// ParseFeed reads a JSON Feed document. A document that is not a JSON Feed, or lists no CVE,
// is an error: merging it would silently report an up-to-date dataset.
func ParseFeed(data []byte) (*Feed, error) {
	var f Feed
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse CVE feed: %w", err)
	}
	if !strings.HasPrefix(f.Version, "https://jsonfeed.org/version/1") {
		return nil, fmt.Errorf("parse CVE feed: version %q is not a JSON Feed version", f.Version)
	}
	if len(f.Items) == 0 {
		return nil, errors.New("parse CVE feed: it lists no CVEs")
	}
	return &f, nil
}

// Changes is what a merge did.
type Changes struct {
	// Added are CVEs new to the dataset; they have no affected ranges and are not matched.
	Added []CVE
	// Updated are feed entries whose title, URL or date changed.
	Updated []CVE
	// Known counts feed CVEs the dataset already held.
	Known int
	// Skipped lists feed ids that are not CVE ids.
	Skipped []string
}

// Empty reports whether the merge changed nothing.
func (c Changes) Empty() bool { return len(c.Added) == 0 && len(c.Updated) == 0 }

// Merge returns a new dataset with the feed's CVEs merged in, dated today. Curated entries keep
// their ranges and text; CVEs new to the dataset are added with the feed's data and no version
// ranges; earlier feed entries are refreshed.
func (db *DB) Merge(f *Feed, today time.Time) (*DB, Changes, error) {
	doc := db.doc
	doc.CVEs = slices.Clone(db.doc.CVEs)
	doc.FeedMerged = today.UTC().Format(dateLayout)
	index := map[string]int{}
	for i, c := range doc.CVEs {
		index[c.ID] = i
	}
	var ch Changes
	var added []CVE
	for _, item := range f.Items {
		for _, id := range strings.Split(item.ID, ",") {
			id = strings.TrimSpace(id)
			if !cveID.MatchString(id) {
				ch.Skipped = append(ch.Skipped, id)
				continue
			}
			fresh := fromFeed(id, item)
			i, ok := index[id]
			switch {
			case !ok:
				index[id] = -1
				added = append(added, fresh)
			case i < 0: // listed twice in this feed
			case doc.CVEs[i].Origin == OriginCurated:
				ch.Known++
			case !sameFeedEntry(doc.CVEs[i], fresh):
				ch.Known++
				doc.CVEs[i] = fresh
				ch.Updated = append(ch.Updated, fresh)
			default:
				ch.Known++
			}
		}
	}
	slices.SortFunc(added, func(a, b CVE) int { return strings.Compare(a.ID, b.ID) })
	doc.CVEs = append(doc.CVEs, added...)
	ch.Added = added
	out, err := build(doc, db.source)
	if err != nil {
		return nil, Changes{}, fmt.Errorf("merged dataset is invalid: %w", err)
	}
	return out, ch, nil
}

// fromFeed builds an unranged entry from a feed item.
func fromFeed(id string, item FeedItem) CVE {
	c := CVE{ID: id, Title: strings.TrimSpace(item.Summary), Severity: "unknown", Origin: OriginFeed}
	if c.Title == "" {
		c.Title = "(the feed gives no summary)"
	}
	for _, u := range []string{item.URL, item.ExternalURL, "https://www.cve.org/CVERecord?id=" + id} {
		if p, err := url.Parse(u); err == nil && p.Scheme == "https" && p.Host != "" {
			c.URL = u
			break
		}
	}
	if t, err := time.Parse(time.RFC3339, item.DatePublished); err == nil {
		c.Published = t.UTC().Format(dateLayout)
	}
	return c
}

func sameFeedEntry(a, b CVE) bool {
	return a.Title == b.Title && a.URL == b.URL && a.Published == b.Published
}
