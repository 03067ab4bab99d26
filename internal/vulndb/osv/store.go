package osv

import (
	"bufio"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// On-disk layout of a database directory (docs/vulnerability-db.md describes it for users):
//
//	DIR/CURRENT                 name of the current generation ("gen-20261126T091500Z-1a2b")
//	DIR/<gen>/meta.json         format, name, import date, counts per ecosystem
//	DIR/<gen>/index.gob         map "ecosystem\x00package" → byte span in entries.jsonl
//	DIR/<gen>/entries.jsonl     per package, one JSON array of its entries, one per line
//	DIR/<gen>/records.json      every record ID with its modified time and withdrawn flag
//
// An import writes a new generation beside the current one and then replaces CURRENT by
// rename, so readers see the old database or the new one, never a mix.
const (
	formatVersion = 1
	currentFile   = "CURRENT"
	metaFile      = "meta.json"
	indexFile     = "index.gob"
	entriesFile   = "entries.jsonl"
	recordsFile   = "records.json"
	genPrefix     = "gen-"
	// maxMetaBytes and maxIndexBytes bound what Open reads of files that strata wrote but a
	// user could have replaced.
	maxMetaBytes  = 16 << 20
	maxIndexBytes = 1 << 30
)

type meta struct {
	Format   int       `json:"format"`
	Name     string    `json:"name"`
	Imported time.Time `json:"imported"`
	Records  int       `json:"records"`
	// Withdrawn counts withdrawn records, kept so a later import of an older copy does not
	// bring them back.
	Withdrawn int `json:"withdrawn"`
	// Ecosystems counts records per OSV ecosystem as written in the records ("Debian:12");
	// Releases per normalised ecosystem key, which matching uses.
	Ecosystems map[string]int `json:"ecosystems"`
	Releases   map[string]int `json:"releases"`
	Packages   int            `json:"packages"`
}

type span struct{ Off, Len int64 }

type recordState struct {
	ID        string    `json:"id"`
	Modified  time.Time `json:"modified"`
	Withdrawn bool      `json:"withdrawn,omitempty"`
}

// writeGeneration writes recs as a new generation under dir and makes it current. On error
// nothing visible changes: the half-written generation is removed.
func writeGeneration(dir string, recs map[string]*record, now time.Time) (m *meta, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create database directory: %w", err)
	}
	gen, err := os.MkdirTemp(dir, genPrefix+now.UTC().Format("20060102T150405Z")+"-")
	if err != nil {
		return nil, fmt.Errorf("create database generation in %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(gen)
		}
	}()
	if err := os.Chmod(gen, 0o755); err != nil {
		return nil, err
	}
	m = &meta{Format: formatVersion, Imported: now.UTC(), Ecosystems: map[string]int{}, Releases: map[string]int{}}
	byKey := map[string][]entry{}
	states := make([]recordState, 0, len(recs))
	for _, r := range recs {
		states = append(states, recordState{ID: r.ID, Modified: r.Modified, Withdrawn: r.Withdrawn})
		if r.Withdrawn {
			m.Withdrawn++
			continue
		}
		m.Records++
		seenEco, seenKey := map[string]bool{}, map[string]bool{}
		for _, e := range r.Entries {
			base, rel := splitEcosystem(e.Ecosystem)
			ek := ecosystemKey(base, rel)
			k := packageKey(ek, e.Name)
			byKey[k] = append(byKey[k], e)
			if !seenEco[e.Ecosystem] {
				seenEco[e.Ecosystem] = true
				m.Ecosystems[e.Ecosystem]++
			}
			if !seenKey[ek] {
				seenKey[ek] = true
				m.Releases[ek]++
			}
		}
	}
	m.Packages = len(byKey)
	m.Name = dbName(m.Ecosystems)
	slices.SortFunc(states, func(a, b recordState) int { return strings.Compare(a.ID, b.ID) })
	index, err := writeEntries(filepath.Join(gen, entriesFile), byKey)
	if err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(gen, indexFile), func(w io.Writer) error { return gob.NewEncoder(w).Encode(index) }); err != nil {
		return nil, err
	}
	if err := writeJSON(filepath.Join(gen, recordsFile), states); err != nil {
		return nil, err
	}
	if err := writeJSON(filepath.Join(gen, metaFile), m); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, currentFile+".tmp"), func(w io.Writer) error {
		_, err := io.WriteString(w, filepath.Base(gen)+"\n")
		return err
	}); err != nil {
		return nil, err
	}
	if err := os.Rename(filepath.Join(dir, currentFile+".tmp"), filepath.Join(dir, currentFile)); err != nil {
		return nil, fmt.Errorf("switch database to the new import: %w", err)
	}
	syncDir(dir)
	removeOldGenerations(dir, filepath.Base(gen))
	return m, nil
}

// writeEntries writes each package's entries as one JSON line, in key order, and returns
// where each line is.
func writeEntries(path string, byKey map[string][]entry) (map[string]span, error) {
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	index := make(map[string]span, len(keys))
	err := writeFile(path, func(w io.Writer) error {
		var off int64
		for _, k := range keys {
			es := byKey[k]
			slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.ID, b.ID) })
			data, err := json.Marshal(es)
			if err != nil {
				return err
			}
			data = append(data, '\n')
			if _, err := w.Write(data); err != nil {
				return err
			}
			index[k] = span{Off: off, Len: int64(len(data))}
			off += int64(len(data))
		}
		return nil
	})
	return index, err
}

func writeJSON(path string, v any) error {
	return writeFile(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	})
}

// writeFile creates path, lets fill write it through a buffer, and syncs it to disk.
func writeFile(path string, fill func(io.Writer) error) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write %s: %w", path, cerr)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := fill(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// removeOldGenerations deletes every generation but keep. A reader that opened an older one
// keeps its open file; a failure to delete only wastes space.
func removeOldGenerations(dir, keep string) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, de := range des {
		if de.IsDir() && strings.HasPrefix(de.Name(), genPrefix) && de.Name() != keep {
			_ = os.RemoveAll(filepath.Join(dir, de.Name()))
		}
	}
}

// dbName is "OSV" with the base ecosystems the database holds: "OSV (Alpine, Debian, Go)".
func dbName(ecosystems map[string]int) string {
	var bases []string
	for eco := range ecosystems {
		base, _ := splitEcosystem(eco)
		if !slices.Contains(bases, base) {
			bases = append(bases, base)
		}
	}
	if len(bases) == 0 {
		return "OSV"
	}
	sort.Strings(bases)
	return "OSV (" + strings.Join(bases, ", ") + ")"
}

// currentGeneration returns the directory of dir's current generation, or an error wrapping
// ErrNoDatabase when there is none.
func currentGeneration(dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("%w in %s: import OSV records first with 'strata db import PATH' (see docs/vulnerability-db.md)", ErrNoDatabase, dir)
	}
	if err != nil {
		return "", fmt.Errorf("read OSV database %s: %w", dir, err)
	}
	name := strings.TrimSpace(string(data))
	if !strings.HasPrefix(name, genPrefix) || strings.ContainsAny(name, `/\`) || name != filepath.Base(name) {
		return "", fmt.Errorf("OSV database %s: %s names %q, not a generation of this database", dir, currentFile, name)
	}
	return filepath.Join(dir, name), nil
}

func readMeta(gen string) (*meta, error) {
	data, err := readBounded(filepath.Join(gen, metaFile), maxMetaBytes)
	if err != nil {
		return nil, err
	}
	var m meta
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("OSV database %s: %w", filepath.Join(gen, metaFile), err)
	}
	if m.Format != formatVersion {
		return nil, fmt.Errorf("OSV database %s has format %d, this strata reads %d: import the records again", gen, m.Format, formatVersion)
	}
	return &m, nil
}

func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("OSV database: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("OSV database: read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("OSV database: %s is larger than %d MiB", path, limit>>20)
	}
	return data, nil
}

// loadAll reads every record of the generation gen, for merging an import into it.
func loadAll(gen string) (map[string]*record, error) {
	f, err := os.Open(filepath.Join(gen, recordsFile))
	if err != nil {
		return nil, fmt.Errorf("OSV database: %w", err)
	}
	defer f.Close()
	var states []recordState
	if err := json.NewDecoder(f).Decode(&states); err != nil {
		return nil, fmt.Errorf("OSV database %s: %w", filepath.Join(gen, recordsFile), err)
	}
	recs := make(map[string]*record, len(states))
	for _, s := range states {
		recs[s.ID] = &record{ID: s.ID, Modified: s.Modified, Withdrawn: s.Withdrawn}
	}
	ef, err := os.Open(filepath.Join(gen, entriesFile))
	if err != nil {
		return nil, fmt.Errorf("OSV database: %w", err)
	}
	defer ef.Close()
	sc := bufio.NewScanner(ef)
	sc.Buffer(make([]byte, 0, 1<<20), 64*MaxRecordBytes)
	line := 0
	for sc.Scan() {
		line++
		var es []entry
		if err := json.Unmarshal(sc.Bytes(), &es); err != nil {
			return nil, fmt.Errorf("OSV database %s:%d: %w", filepath.Join(gen, entriesFile), line, err)
		}
		for _, e := range es {
			r := recs[e.ID]
			if r == nil {
				return nil, fmt.Errorf("OSV database %s:%d: entry for %s, which %s does not list", filepath.Join(gen, entriesFile), line, e.ID, recordsFile)
			}
			r.Entries = append(r.Entries, e)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("OSV database %s: %w", filepath.Join(gen, entriesFile), err)
	}
	return recs, nil
}
