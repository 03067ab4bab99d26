package osv

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/strata-sec/strata/internal/imagefacts"
)

// maxSourceRecords bounds how many files one import reads: the largest OSV ecosystem export
// holds a few hundred thousand records.
const maxSourceRecords = 5_000_000

// ErrNothingValid is returned by Import when the source held no valid OSV record; the
// database is then left as it was.
var ErrNothingValid = errors.New("no valid OSV record")

// Problem is a record Import skipped: the file (and, in a zip, the entry) and why.
type Problem struct {
	File   string
	Entry  string
	Reason string
}

func (p Problem) String() string {
	if p.Entry != "" {
		return fmt.Sprintf("%s: %s: %s", safeName(p.File), safeName(p.Entry), p.Reason)
	}
	return fmt.Sprintf("%s: %s", safeName(p.File), p.Reason)
}

// safeName quotes a file or zip entry name that holds anything but printable characters, so
// a crafted name cannot drive the terminal it is printed on.
func safeName(s string) string {
	if printable(s) {
		return s
	}
	return strconv.Quote(s)
}

// ImportStats says what an import did.
type ImportStats struct {
	// Dir is the database directory.
	Dir string
	// Read counts the valid records in the source; Added those new to the database, Updated
	// those replacing an older copy, Kept those ignored because the database holds a copy
	// modified later, Withdrawn the withdrawn ones among Read.
	Read, Added, Updated, Kept, Withdrawn int
	// Skipped are the invalid records, in the order read.
	Skipped []Problem
	// Ecosystems counts the source's valid records per OSV ecosystem.
	Ecosystems map[string]int
	// DB describes the database after the import.
	DB imagefacts.VulnDB
}

// EcosystemNames returns the source's ecosystems, sorted.
func (s ImportStats) EcosystemNames() []string {
	names := make([]string, 0, len(s.Ecosystems))
	for e := range s.Ecosystems {
		names = append(names, e)
	}
	sort.Strings(names)
	return names
}

// Import reads the OSV records of src — a directory searched recursively for *.json files, a
// .zip of an ecosystem export, or one .json file — and merges them into the database in dir:
// for a record ID present in both, the copy with the later modified time wins (the imported
// one on a tie). Invalid records are skipped and listed in the stats. The database is written
// as a new generation and switched to at the end, so an error leaves the previous one intact.
func Import(ctx context.Context, dir, src string) (ImportStats, error) {
	return importAt(ctx, dir, src, time.Now())
}

func importAt(ctx context.Context, dir, src string, now time.Time) (ImportStats, error) {
	st := ImportStats{Dir: dir, Ecosystems: map[string]int{}}
	incoming := map[string]*record{}
	err := readSource(ctx, src, func(file, entryName string, data []byte, readErr error) {
		if readErr != nil {
			st.Skipped = append(st.Skipped, Problem{File: file, Entry: entryName, Reason: readErr.Error()})
			return
		}
		r, err := decodeRecord(data)
		if err != nil {
			st.Skipped = append(st.Skipped, Problem{File: file, Entry: entryName, Reason: err.Error()})
			return
		}
		st.Read++
		if r.Withdrawn {
			st.Withdrawn++
		}
		seen := map[string]bool{}
		for _, e := range r.Entries {
			if !seen[e.Ecosystem] {
				seen[e.Ecosystem] = true
				st.Ecosystems[e.Ecosystem]++
			}
		}
		if old := incoming[r.ID]; old == nil || !old.Modified.After(r.Modified) {
			incoming[r.ID] = r
		}
	})
	if err != nil {
		return st, err
	}
	if st.Read == 0 {
		return st, fmt.Errorf("%s: %w (%d files skipped); the database was not changed", src, ErrNothingValid, len(st.Skipped))
	}
	recs := map[string]*record{}
	gen, err := currentGeneration(dir)
	switch {
	case err == nil:
		if recs, err = loadAll(gen); err != nil {
			return st, fmt.Errorf("%w (remove %s to start a new database)", err, dir)
		}
	case !errors.Is(err, ErrNoDatabase):
		return st, err
	}
	for id, r := range incoming {
		old := recs[id]
		switch {
		case old == nil:
			st.Added++
		case old.Modified.After(r.Modified):
			st.Kept++
			continue
		default:
			st.Updated++
		}
		recs[id] = r
	}
	if err := ctx.Err(); err != nil {
		return st, err
	}
	m, err := writeGeneration(dir, recs, now)
	if err != nil {
		return st, err
	}
	st.DB = m.vulnDB()
	return st, nil
}

// readSource calls fn with every candidate record of src, or with the error that kept it from
// being read. The returned error is for src itself: missing, unreadable, not a zip.
func readSource(ctx context.Context, src string, fn func(file, entry string, data []byte, err error)) error {
	info, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("OSV source: %w", err)
	}
	count := 0
	next := func() error {
		count++
		if count > maxSourceRecords {
			return fmt.Errorf("%s: more than %d files", src, maxSourceRecords)
		}
		return ctx.Err()
	}
	switch {
	case info.IsDir():
		return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if path == src {
					return fmt.Errorf("OSV source: %w", err)
				}
				fn(path, "", nil, err)
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() || !isJSONName(path) {
				return nil
			}
			if err := next(); err != nil {
				return err
			}
			data, err := readFileBounded(path)
			fn(path, "", data, err)
			return nil
		})
	case strings.EqualFold(filepath.Ext(src), ".zip"):
		return readZip(src, next, fn)
	default:
		data, err := readFileBounded(src)
		if err != nil {
			return fmt.Errorf("OSV source: %w", err)
		}
		fn(src, "", data, nil)
		return nil
	}
}

func readZip(src string, next func() error, fn func(file, entry string, data []byte, err error)) error {
	zr, err := zip.OpenReader(src)
	if err != nil {
		return fmt.Errorf("OSV source %s: %w", src, err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !isJSONName(f.Name) {
			continue
		}
		if err := next(); err != nil {
			return err
		}
		if f.UncompressedSize64 > MaxRecordBytes {
			fn(src, f.Name, nil, fmt.Errorf("record larger than %d MiB", MaxRecordBytes>>20))
			continue
		}
		data, err := readZipEntry(f)
		fn(src, f.Name, data, err)
	}
	return nil
}

func readZipEntry(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readLimited(rc)
}

func readFileBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f)
}

// readLimited reads at most MaxRecordBytes; a record past the bound is an error, whatever a
// header claimed.
func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxRecordBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxRecordBytes {
		return nil, fmt.Errorf("record larger than %d MiB", MaxRecordBytes>>20)
	}
	return data, nil
}

func isJSONName(name string) bool { return strings.EqualFold(filepath.Ext(name), ".json") }
