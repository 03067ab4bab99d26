package k8s

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sync"
	"time"

	utilversion "k8s.io/apimachinery/pkg/util/version"
)

//go:embed dataset.json
var embedded []byte

// SchemaVersion is the dataset layout this package reads and writes.
const SchemaVersion = 1

const dateLayout = "2006-01-02"

// document is the dataset file.
type document struct {
	SchemaVersion int               `json:"schemaVersion"`
	Assembled     string            `json:"assembled"`
	FeedMerged    string            `json:"feedMerged,omitempty"`
	About         string            `json:"about,omitempty"`
	Sources       []string          `json:"sources,omitempty"`
	Fields        map[string]string `json:"fields,omitempty"`
	Releases      []Release         `json:"releases"`
	CVEs          []CVE             `json:"cves"`
}

// Release is one Kubernetes minor release line.
type Release struct {
	Minor      string `json:"minor"`
	EndOfLife  string `json:"endOfLife"`
	FinalPatch string `json:"finalPatch,omitempty"`
	Note       string `json:"note,omitempty"`
}

// CVE is one Kubernetes vulnerability with the versions it affects.
type CVE struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Components []string `json:"components,omitempty"`
	// OS is the only node operating system affected ("windows"); empty when all are.
	OS     string  `json:"os,omitempty"`
	CVSS   float64 `json:"cvss,omitempty"`
	Vector string  `json:"vector,omitempty"`
	// Severity is critical, high, medium, low or unknown.
	Severity  string  `json:"severity"`
	Published string  `json:"published,omitempty"`
	URL       string  `json:"url"`
	Affected  []Range `json:"affected,omitempty"`
	// NoFix is true when no release fixes the issue and a mitigation is required.
	NoFix      bool   `json:"noFix,omitempty"`
	Mitigation string `json:"mitigation,omitempty"`
	// Origin is OriginCurated or OriginFeed.
	Origin string `json:"origin"`
	Note   string `json:"note,omitempty"`
}

// Range is a span of affected versions: from Introduced (inclusive) up to Fixed (exclusive).
// A range without Fixed has no fix.
type Range struct {
	Introduced string `json:"introduced"`
	Fixed      string `json:"fixed,omitempty"`
}

// Origins of a CVE entry.
const (
	// OriginCurated entries have affected ranges checked by hand against the advisory.
	OriginCurated = "curated"
	// OriginFeed entries were added from the official feed without version ranges; they are
	// reported as published but never matched.
	OriginFeed = "feed"
)

// DB is a validated dataset.
type DB struct {
	doc    document
	source string // the file it was read from; "" for the embedded dataset
	date   time.Time
	eol    map[string]time.Time // by minor
	oldest *utilversion.Version // oldest minor with an end-of-life date
	ranges map[string][]parsedRange
}

type parsedRange struct {
	introduced, fixed *utilversion.Version // fixed nil: no fix
}

var embeddedDB = sync.OnceValues(func() (*DB, error) { return decode(embedded, "") })

// Embedded returns the dataset built into strata.
func Embedded() (*DB, error) { return embeddedDB() }

// Load returns the dataset strata uses: the local copy 'strata db update' wrote, when it
// exists and is not older than the embedded one, else the embedded dataset. A local copy that
// cannot be read or is invalid is an error naming the file, never a silent fallback.
func Load() (*DB, error) {
	emb, err := Embedded()
	if err != nil {
		return nil, err
	}
	path, ok := LocalPath()
	if !ok {
		return emb, nil // without a data directory there is no local copy
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return emb, nil
	}
	local, err := LoadFile(path)
	if err != nil {
		return nil, err
	}
	if local.date.Before(emb.date) {
		// strata was upgraded since the last update: its own dataset is newer.
		return emb, nil
	}
	return local, nil
}

// LoadFile reads and validates a dataset file.
func LoadFile(path string) (*DB, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read Kubernetes vulnerability dataset: %w", err)
	}
	return decode(data, path)
}

// decode parses and validates a dataset; source names it in errors.
func decode(data []byte, source string) (*DB, error) {
	name := source
	if name == "" {
		name = "embedded Kubernetes vulnerability dataset"
	}
	var doc document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: invalid JSON: %w", name, err)
	}
	db, err := build(doc, source)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return db, nil
}

// Date is the date the data is current as of: the last feed merge, else its assembly.
func (db *DB) Date() time.Time { return db.date }

// DateString is Date as YYYY-MM-DD, the form messages name it in.
func (db *DB) DateString() string { return db.date.Format(dateLayout) }

// Source is the file the dataset was read from, or "" for the embedded dataset.
func (db *DB) Source() string { return db.source }

// CVEs returns every entry, in dataset order.
func (db *DB) CVEs() []CVE { return slices.Clone(db.doc.CVEs) }

// Unranged returns the CVEs published in the official feed whose affected versions the dataset
// does not hold: they are never matched, and a report can only list them.
func (db *DB) Unranged() []CVE {
	var out []CVE
	for _, c := range db.doc.CVEs {
		if c.Origin == OriginFeed {
			out = append(out, c)
		}
	}
	return out
}

// Release returns the release line minor ("1.30").
func (db *DB) Release(minor string) (Release, bool) {
	for _, r := range db.doc.Releases {
		if r.Minor == minor {
			return r, true
		}
	}
	return Release{}, false
}

// EOL reports whether the release line of version had reached its end of life on the dataset's
// date, and on which date it does. known is false when the line is newer than the dataset, or
// version is not a version. Lines older than the oldest in the dataset are end of life with a
// zero date.
func (db *DB) EOL(version string) (eol bool, date time.Time, known bool) {
	v, err := utilversion.ParseGeneric(version)
	if err != nil {
		return false, time.Time{}, false
	}
	minor := utilversion.MajorMinor(v.Major(), v.Minor())
	if d, ok := db.eol[fmt.Sprintf("%d.%d", v.Major(), v.Minor())]; ok {
		return !db.date.Before(d), d, true
	}
	if minor.LessThan(db.oldest) {
		return true, time.Time{}, true
	}
	return false, time.Time{}, false
}
