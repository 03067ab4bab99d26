package osv

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/strata-sec/strata/internal/imagefacts"
)

// ErrNoDatabase means nothing was imported into the database directory yet.
var ErrNoDatabase = errors.New("no OSV vulnerability database")

// DefaultDir is where strata keeps the OSV database: $XDG_DATA_HOME/strata/osv, or
// ~/.local/share/strata/osv. A relative XDG_DATA_HOME is ignored, as the XDG specification
// requires.
func DefaultDir() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "strata", "osv"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", errors.New("cannot locate a data directory for the OSV database: set XDG_DATA_HOME or HOME")
	}
	return filepath.Join(home, ".local", "share", "strata", "osv"), nil
}

// DB is an opened OSV database. Open reads only its index; Match reads the entries of the
// packages it is asked about. A DB is safe for concurrent use.
type DB struct {
	dir     string
	meta    *meta
	index   map[string]span
	entries *os.File
	size    int64
}

// Open opens the database in dir. When nothing was imported there the error wraps
// ErrNoDatabase and tells the user how to import.
func Open(dir string) (*DB, error) {
	gen, err := currentGeneration(dir)
	if err != nil {
		return nil, err
	}
	m, err := readMeta(gen)
	if err != nil {
		return nil, err
	}
	idx, err := readBounded(filepath.Join(gen, indexFile), maxIndexBytes)
	if err != nil {
		return nil, err
	}
	var index map[string]span
	if err := gob.NewDecoder(bytes.NewReader(idx)).Decode(&index); err != nil {
		return nil, fmt.Errorf("OSV database %s: %w", filepath.Join(gen, indexFile), err)
	}
	f, err := os.Open(filepath.Join(gen, entriesFile))
	if err != nil {
		return nil, fmt.Errorf("OSV database: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("OSV database: %w", err)
	}
	return &DB{dir: dir, meta: m, index: index, entries: f, size: fi.Size()}, nil
}

// Close releases the database's open file.
func (db *DB) Close() error { return db.entries.Close() }

// Dir is the database directory.
func (db *DB) Dir() string { return db.dir }

// Info names the database: "OSV (Alpine, Debian, Go)", its import date and record count.
func (db *DB) Info() imagefacts.VulnDB { return db.meta.vulnDB() }

func (m *meta) vulnDB() imagefacts.VulnDB {
	return imagefacts.VulnDB{Name: m.Name, Date: metav1.NewTime(m.Imported), Records: m.Records}
}

// Ecosystems returns the OSV ecosystems the database holds records for, with their counts.
func (db *DB) Ecosystems() map[string]int {
	out := make(map[string]int, len(db.meta.Ecosystems))
	for k, v := range db.meta.Ecosystems {
		out[k] = v
	}
	return out
}

// Unmatched is a group of packages the database could not judge, and why. Reports print them
// so that "no vulnerabilities" is never claimed for packages nobody looked at.
type Unmatched struct {
	// Ecosystem is the package ecosystem with its release ("Debian:12", "npm").
	Ecosystem string `json:"ecosystem"`
	Reason    string `json:"reason"`
	Packages  int    `json:"packages"`
	// Examples names up to three of the packages.
	Examples []string `json:"examples,omitempty"`
}

// Result is the outcome of matching an image's packages.
type Result struct {
	Vulnerabilities []imagefacts.Vulnerability
	Unmatched       []Unmatched
	// Matched counts the packages that were looked up.
	Matched int
}

// Match returns the vulnerabilities of pkgs and names the database used. Packages it cannot
// judge are left out; MatchAll also says which those are.
func (db *DB) Match(pkgs []imagefacts.Package, os imagefacts.OS) ([]imagefacts.Vulnerability, *imagefacts.VulnDB, error) {
	res, err := db.MatchAll(pkgs, os)
	if err != nil {
		return nil, nil, err
	}
	info := db.Info()
	for _, u := range res.Unmatched {
		info.Unmatched = append(info.Unmatched, fmt.Sprintf("%s: %d package(s) (%s): %s",
			u.Ecosystem, u.Packages, strings.Join(u.Examples, ", "), u.Reason))
	}
	return res.Vulnerabilities, &info, nil
}

// Unmatched returns the groups of pkgs the database cannot judge: ecosystems strata cannot
// order versions for, releases the database holds no records for, and versions that do not
// parse.
func (db *DB) Unmatched(pkgs []imagefacts.Package, os imagefacts.OS) []Unmatched {
	var un unmatchedSet
	for _, p := range pkgs {
		db.classify(p, os, &un)
	}
	return un.list()
}

// MatchAll matches pkgs (an image's packages; os is its distribution, used when a package
// does not carry its release) and reports the packages it could not judge.
func (db *DB) MatchAll(pkgs []imagefacts.Package, osInfo imagefacts.OS) (Result, error) {
	var res Result
	var un unmatchedSet
	cache := map[string][]entry{}
	for _, p := range pkgs {
		t, ok := db.classify(p, osInfo, &un)
		if !ok {
			continue
		}
		res.Matched++
		seen := map[string]bool{}
		for _, q := range t.queries {
			for _, ek := range t.ecoKeys {
				es, err := db.lookup(packageKey(ek, q.name), cache)
				if err != nil {
					return Result{}, err
				}
				for i := range es {
					e := &es[i]
					if seen[e.ID] {
						continue
					}
					hit, fixed := e.affects(t.order, q.version)
					if !hit {
						continue
					}
					seen[e.ID] = true
					res.Vulnerabilities = append(res.Vulnerabilities, imagefacts.Vulnerability{
						ID: e.ID, Aliases: e.Aliases, Summary: e.Summary, Package: p.Name,
						Ecosystem: e.Ecosystem, Installed: p.Version, Fixed: fixed,
						Severity: e.Severity, CVSS: e.CVSS, Vector: e.Vector, URL: e.URL,
					})
				}
			}
		}
	}
	slices.SortFunc(res.Vulnerabilities, func(a, b imagefacts.Vulnerability) int {
		if c := strings.Compare(a.Package, b.Package); c != 0 {
			return c
		}
		if c := strings.Compare(a.Installed, b.Installed); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	res.Unmatched = un.list()
	return res, nil
}

// target is how one package is looked up: under which ecosystem keys, by which names and
// versions, with which version order.
type target struct {
	order   versionOrder
	ecoKeys []string
	queries []query
}

type query struct{ name, version string }

// classify decides how p is matched, or records in un why it cannot be.
func (db *DB) classify(p imagefacts.Package, osInfo imagefacts.OS, un *unmatchedSet) (target, bool) {
	base := p.Ecosystem
	release := p.Distro
	if release == "" && base != imagefacts.EcosystemGo {
		release = osInfo.VersionID
	}
	release = normalizeRelease(base, release)
	label := ecosystemKey(base, release)
	if base == "" {
		un.add("(none)", "the package has no ecosystem", p.Name)
		return target{}, false
	}
	o, ok := orderFor(base)
	if !ok {
		un.add(label, fmt.Sprintf("strata cannot compare %s versions", base), p.Name)
		return target{}, false
	}
	var keys []string
	for _, k := range []string{label, base} {
		if db.meta.Releases[k] > 0 && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		un.add(label, fmt.Sprintf("the database holds no %s advisories: import that ecosystem's OSV export", label), p.Name)
		return target{}, false
	}
	version := o.normalize(p.Version)
	if !o.valid(version) {
		un.add(label, fmt.Sprintf("version is not a valid %s version", o.name()), p.Name+" "+p.Version)
		return target{}, false
	}
	t := target{order: o, ecoKeys: keys, queries: []query{{p.Name, p.Version}}}
	// Debian, Ubuntu and Alpine file advisories against source packages; dpkg writes
	// "Source: name (version)" when the source version differs from the binary's.
	if src, srcVersion := splitSource(p.Source); src != "" && src != p.Name {
		v := p.Version
		if srcVersion != "" && o.valid(o.normalize(srcVersion)) {
			v = srcVersion
		}
		t.queries = append(t.queries, query{src, v})
	}
	return t, true
}

func splitSource(s string) (name, version string) {
	name, rest, ok := strings.Cut(strings.TrimSpace(s), " ")
	if ok {
		rest = strings.TrimSpace(rest)
		if strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")") {
			version = strings.TrimSpace(rest[1 : len(rest)-1])
		}
	}
	return name, version
}

// lookup reads the entries stored under key, once per Match call.
func (db *DB) lookup(key string, cache map[string][]entry) ([]entry, error) {
	if es, ok := cache[key]; ok {
		return es, nil
	}
	sp, ok := db.index[key]
	if !ok {
		cache[key] = nil
		return nil, nil
	}
	if sp.Off < 0 || sp.Len <= 0 || sp.Off+sp.Len > db.size || sp.Len > 64*MaxRecordBytes {
		return nil, fmt.Errorf("OSV database %s: index entry for %q points outside %s", db.dir, strings.ReplaceAll(key, "\x00", "/"), entriesFile)
	}
	buf := make([]byte, sp.Len)
	if _, err := db.entries.ReadAt(buf, sp.Off); err != nil {
		return nil, fmt.Errorf("OSV database %s: read entries of %q: %w", db.dir, strings.ReplaceAll(key, "\x00", "/"), err)
	}
	var es []entry
	if err := json.Unmarshal(buf, &es); err != nil {
		return nil, fmt.Errorf("OSV database %s: entries of %q: %w", db.dir, strings.ReplaceAll(key, "\x00", "/"), err)
	}
	cache[key] = es
	return es, nil
}

// unmatchedSet groups unmatched packages by ecosystem and reason.
type unmatchedSet struct{ groups []Unmatched }

func (u *unmatchedSet) add(eco, reason, example string) {
	for i := range u.groups {
		g := &u.groups[i]
		if g.Ecosystem == eco && g.Reason == reason {
			g.Packages++
			if len(g.Examples) < 3 {
				g.Examples = append(g.Examples, example)
			}
			return
		}
	}
	u.groups = append(u.groups, Unmatched{Ecosystem: eco, Reason: reason, Packages: 1, Examples: []string{example}})
}

func (u *unmatchedSet) list() []Unmatched {
	sort.SliceStable(u.groups, func(i, j int) bool { return u.groups[i].Ecosystem < u.groups[j].Ecosystem })
	return u.groups
}
