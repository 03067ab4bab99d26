package osv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Bounds on one record. The largest OSV records (Debian ones listing every affected version)
// are a few hundred kilobytes; anything past these bounds is not an advisory strata can trust.
const (
	MaxRecordBytes  = 4 << 20
	maxIDLen        = 128
	maxAliases      = 256
	maxAffected     = 4096
	maxRanges       = 1024
	maxEvents       = 4096
	maxVersions     = 100000
	maxNameLen      = 1024
	maxVersionLen   = 256
	maxSummaryRunes = 512
	maxURLLen       = 2048
)

// osvRecord is the part of the OSV schema strata reads.
type osvRecord struct {
	ID               string          `json:"id"`
	Modified         string          `json:"modified"`
	Withdrawn        string          `json:"withdrawn"`
	Aliases          []string        `json:"aliases"`
	Summary          string          `json:"summary"`
	Details          string          `json:"details"`
	Severity         []osvSeverity   `json:"severity"`
	Affected         []osvAffected   `json:"affected"`
	References       []osvReference  `json:"references"`
	DatabaseSpecific json.RawMessage `json:"database_specific"`
}

type osvSeverity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

type osvAffected struct {
	Package           *osvPackage     `json:"package"`
	Severity          []osvSeverity   `json:"severity"`
	Ranges            []osvRange      `json:"ranges"`
	Versions          []string        `json:"versions"`
	EcosystemSpecific json.RawMessage `json:"ecosystem_specific"`
	DatabaseSpecific  json.RawMessage `json:"database_specific"`
}

type osvPackage struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
}

type osvRange struct {
	Type   string              `json:"type"`
	Events []map[string]string `json:"events"`
}

type osvReference struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// record is one validated advisory as strata keeps it.
type record struct {
	ID        string
	Modified  time.Time
	Withdrawn bool
	Entries   []entry
}

// entry is what one affected[] element of a record says about one package: the unit the
// database stores under (ecosystem, name).
type entry struct {
	ID string `json:"id"`
	// Modified is the record's modification time, for merging imports.
	Modified  time.Time `json:"modified"`
	Ecosystem string    `json:"ecosystem"`
	Name      string    `json:"name"`
	Aliases   []string  `json:"aliases,omitempty"`
	Summary   string    `json:"summary,omitempty"`
	Severity  string    `json:"severity,omitempty"`
	CVSS      float64   `json:"cvss,omitempty"`
	Vector    string    `json:"vector,omitempty"`
	URL       string    `json:"url,omitempty"`
	Ranges    []vrange  `json:"ranges,omitempty"`
	Versions  []string  `json:"versions,omitempty"`
}

// vrange is an ECOSYSTEM or SEMVER range: Semver says which order its versions follow.
type vrange struct {
	Semver bool    `json:"semver,omitempty"`
	Events []event `json:"events"`
}

// Event kinds.
const (
	evIntroduced   = "introduced"
	evFixed        = "fixed"
	evLastAffected = "last_affected"
	evLimit        = "limit"
)

type event struct {
	Kind    string `json:"k"`
	Version string `json:"v"`
}

// decodeRecord parses and validates one OSV record. The error says which field is wrong.
func decodeRecord(data []byte) (*record, error) {
	if len(data) > MaxRecordBytes {
		return nil, fmt.Errorf("record larger than %d MiB", MaxRecordBytes>>20)
	}
	var r osvRecord
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("not an OSV JSON record: %w", err)
	}
	if dec.More() {
		return nil, errors.New("not an OSV JSON record: data after the record")
	}
	if err := checkID(r.ID); err != nil {
		return nil, fmt.Errorf("id: %w", err)
	}
	mod, err := time.Parse(time.RFC3339Nano, r.Modified)
	if err != nil {
		return nil, fmt.Errorf("%s: modified: %q is not an RFC 3339 time", r.ID, r.Modified)
	}
	out := &record{ID: r.ID, Modified: mod.UTC(), Withdrawn: r.Withdrawn != ""}
	if len(r.Aliases) > maxAliases {
		return nil, fmt.Errorf("%s: more than %d aliases", r.ID, maxAliases)
	}
	if len(r.Affected) > maxAffected {
		return nil, fmt.Errorf("%s: more than %d affected entries", r.ID, maxAffected)
	}
	base := entry{ID: r.ID, Modified: out.Modified, Summary: summaryOf(r.Summary, r.Details), URL: urlOf(r.ID, r.References)}
	for i, a := range r.Aliases {
		if err := checkID(a); err != nil {
			return nil, fmt.Errorf("%s: aliases[%d]: %w", r.ID, i, err)
		}
		base.Aliases = append(base.Aliases, a)
	}
	base.Severity, base.CVSS, base.Vector = severityOf(r.Severity, r.DatabaseSpecific)
	for i, a := range r.Affected {
		e, ok, err := convertAffected(base, a)
		if err != nil {
			return nil, fmt.Errorf("%s: affected[%d]%s", r.ID, i, err)
		}
		if ok && !out.Withdrawn {
			out.Entries = append(out.Entries, e)
		}
	}
	return out, nil
}

// convertAffected turns one affected element into an entry; ok is false when it says nothing
// strata can match (no package, or only GIT ranges). The error starts with the field path.
func convertAffected(base entry, a osvAffected) (e entry, ok bool, err error) {
	if a.Package == nil {
		return entry{}, false, nil
	}
	p := a.Package
	if p.Ecosystem == "" || len(p.Ecosystem) > maxNameLen || !printable(p.Ecosystem) {
		return entry{}, false, fmt.Errorf(".package.ecosystem: %q is not an ecosystem", p.Ecosystem)
	}
	if p.Name == "" || len(p.Name) > maxNameLen || !printable(p.Name) {
		return entry{}, false, fmt.Errorf(".package.name: %q is not a package name", p.Name)
	}
	if len(a.Ranges) > maxRanges || len(a.Versions) > maxVersions {
		return entry{}, false, fmt.Errorf(": more than %d ranges or %d versions", maxRanges, maxVersions)
	}
	e = base
	e.Ecosystem, e.Name = p.Ecosystem, p.Name
	if s, score, vec := severityOf(a.Severity, a.EcosystemSpecific, a.DatabaseSpecific); s != "" {
		e.Severity, e.CVSS, e.Vector = s, score, vec
	}
	for j, v := range a.Versions {
		if v == "" || len(v) > maxVersionLen {
			return entry{}, false, fmt.Errorf(".versions[%d]: %q is not a version", j, v)
		}
	}
	e.Versions = a.Versions
	for j, rg := range a.Ranges {
		vr, keep, err := convertRange(rg)
		if err != nil {
			return entry{}, false, fmt.Errorf(".ranges[%d]%s", j, err)
		}
		if keep {
			e.Ranges = append(e.Ranges, vr)
		}
	}
	return e, len(e.Ranges) > 0 || len(e.Versions) > 0, nil
}

// convertRange validates one range; keep is false for GIT ranges, which name commits strata
// cannot relate to installed packages.
func convertRange(rg osvRange) (vr vrange, keep bool, err error) {
	switch rg.Type {
	case "GIT":
		keep = false
	case "ECOSYSTEM":
		keep = true
	case "SEMVER":
		keep, vr.Semver = true, true
	default:
		return vrange{}, false, fmt.Errorf(".type: %q is not GIT, SEMVER or ECOSYSTEM", rg.Type)
	}
	if len(rg.Events) == 0 || len(rg.Events) > maxEvents {
		return vrange{}, false, fmt.Errorf(".events: %d events (want 1 to %d)", len(rg.Events), maxEvents)
	}
	introduced := false
	for k, ev := range rg.Events {
		if len(ev) != 1 {
			return vrange{}, false, fmt.Errorf(".events[%d]: an event has exactly one of introduced, fixed, last_affected, limit", k)
		}
		for kind, v := range ev {
			switch kind {
			case evIntroduced, evFixed, evLastAffected, evLimit:
			default:
				return vrange{}, false, fmt.Errorf(".events[%d]: unknown event %q", k, kind)
			}
			if v == "" || len(v) > maxVersionLen || !printable(v) {
				return vrange{}, false, fmt.Errorf(".events[%d].%s: %q is not a version", k, kind, v)
			}
			introduced = introduced || kind == evIntroduced
			vr.Events = append(vr.Events, event{Kind: kind, Version: v})
		}
	}
	if !introduced {
		return vrange{}, false, errors.New(".events: no introduced event")
	}
	return vr, keep, nil
}

// checkID accepts advisory identifiers: printable, without spaces, bounded.
func checkID(id string) error {
	if id == "" {
		return errors.New("missing")
	}
	if len(id) > maxIDLen {
		return fmt.Errorf("longer than %d bytes", maxIDLen)
	}
	for _, r := range id {
		if !(r < utf8.RuneSelf && (isAlnum(byte(r)) || strings.ContainsRune("-_.:+", r))) {
			return fmt.Errorf("%q is not an advisory identifier", id)
		}
	}
	return nil
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// summaryOf is the record's summary, or the first line of its details, without control
// characters and bounded.
func summaryOf(summary, details string) string {
	s := strings.TrimSpace(summary)
	if s == "" {
		s, _, _ = strings.Cut(strings.TrimSpace(details), "\n")
	}
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > maxSummaryRunes {
		s = string([]rune(s)[:maxSummaryRunes-1]) + "…"
	}
	return s
}

// urlOf is the first ADVISORY reference, else the first WEB one, else the record's osv.dev
// page. Only http(s) URLs are taken: reports render them as links.
func urlOf(id string, refs []osvReference) string {
	for _, want := range []string{"ADVISORY", "WEB"} {
		for _, r := range refs {
			if r.Type == want && len(r.URL) <= maxURLLen && printable(r.URL) && !strings.ContainsAny(r.URL, " \"<>") &&
				(strings.HasPrefix(r.URL, "https://") || strings.HasPrefix(r.URL, "http://")) {
				return r.URL
			}
		}
	}
	return "https://osv.dev/vulnerability/" + id
}
