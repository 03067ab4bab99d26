package image

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strings"

	_ "modernc.org/sqlite" // the rpm database of current distributions is SQLite
)

// RPM header tags and types strata reads (rpm's lib/rpmtag.h).
const (
	rpmTagName      = 1000
	rpmTagVersion   = 1001
	rpmTagRelease   = 1002
	rpmTagEpoch     = 1003
	rpmTagArch      = 1022
	rpmTagSourceRPM = 1044

	rpmTypeInt32       = 4
	rpmTypeString      = 6
	rpmTypeStringArray = 8
	rpmTypeI18NString  = 9

	// rpm itself refuses headers with more index entries or data than this.
	rpmMaxIndex = 0xffff
	rpmMaxData  = 256 << 20
)

var rpmHeaderMagic = []byte{0x8e, 0xad, 0xe8, 0x01}

// parseRPMHeader decodes a header blob as rpm stores it in its database: a big-endian count
// of index entries and of data bytes, the 16-byte index entries (tag, type, offset, count),
// then the data store. A blob that starts with the header magic and 4 reserved bytes (as in a
// package file) is accepted too.
func parseRPMHeader(b []byte) (osPkg, error) {
	var p osPkg
	if len(b) >= 8 && bytes.Equal(b[:4], rpmHeaderMagic) {
		b = b[8:]
	}
	if len(b) < 8 {
		return p, errors.New("rpm header shorter than 8 bytes")
	}
	il := binary.BigEndian.Uint32(b[0:4])
	dl := binary.BigEndian.Uint32(b[4:8])
	if il == 0 || il > rpmMaxIndex || dl > rpmMaxData {
		return p, fmt.Errorf("rpm header with %d entries and %d data bytes", il, dl)
	}
	start := 8 + uint64(il)*16
	if start+uint64(dl) > uint64(len(b)) {
		return p, fmt.Errorf("rpm header truncated: needs %d bytes, has %d", start+uint64(dl), len(b))
	}
	data := b[start : start+uint64(dl)]
	for i := uint64(0); i < uint64(il); i++ {
		e := b[8+i*16 : 8+i*16+16]
		tag := binary.BigEndian.Uint32(e[0:4])
		typ := binary.BigEndian.Uint32(e[4:8])
		off := binary.BigEndian.Uint32(e[8:12])
		cnt := binary.BigEndian.Uint32(e[12:16])
		switch tag {
		case rpmTagName, rpmTagVersion, rpmTagRelease, rpmTagArch, rpmTagSourceRPM:
			s, err := rpmString(data, typ, off, cnt)
			if err != nil {
				return p, fmt.Errorf("rpm tag %d: %w", tag, err)
			}
			switch tag {
			case rpmTagName:
				p.Name = s
			case rpmTagVersion:
				p.Version = s
			case rpmTagRelease:
				p.Release = s
			case rpmTagArch:
				p.Arch = s
			case rpmTagSourceRPM:
				p.Source = sourceRPMName(s)
			}
		case rpmTagEpoch:
			if typ != rpmTypeInt32 || cnt < 1 || off%4 != 0 || uint64(off)+4 > uint64(len(data)) {
				return p, fmt.Errorf("rpm epoch entry malformed")
			}
			p.Epoch = int(int32(binary.BigEndian.Uint32(data[off : off+4])))
		}
	}
	if p.Name == "" || p.Version == "" {
		return p, errors.New("rpm header without name or version")
	}
	return p, nil
}

// rpmString reads the NUL-terminated string an index entry points at (the first of an array).
func rpmString(data []byte, typ, off, cnt uint32) (string, error) {
	if typ != rpmTypeString && typ != rpmTypeStringArray && typ != rpmTypeI18NString {
		return "", fmt.Errorf("type %d is not a string", typ)
	}
	if cnt < 1 || uint64(off) >= uint64(len(data)) {
		return "", fmt.Errorf("offset %d outside the data store of %d bytes", off, len(data))
	}
	end := bytes.IndexByte(data[off:], 0)
	if end < 0 {
		return "", errors.New("string not terminated")
	}
	return string(data[off : int(off)+end]), nil
}

// sourceRPMName turns "openssl-3.0.7-27.el9.src.rpm" into "openssl".
func sourceRPMName(s string) string {
	s = strings.TrimSuffix(strings.TrimSuffix(s, ".rpm"), ".src")
	s = strings.TrimSuffix(s, ".nosrc")
	for range 2 {
		i := strings.LastIndexByte(s, '-')
		if i <= 0 {
			return s
		}
		s = s[:i]
	}
	return s
}

// readRPMSQLite lists the packages of an rpmdb.sqlite file.
func readRPMSQLite(ctx context.Context, file string) ([]osPkg, error) {
	dsn := "file:" + (&url.URL{Path: file}).EscapedPath() + "?mode=ro&immutable=1"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT blob FROM Packages")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []osPkg
	var errs []error
	for rows.Next() {
		var blob []byte
		if err := rows.Scan(&blob); err != nil {
			return out, err
		}
		p, err := parseRPMHeader(blob)
		if err != nil {
			if len(errs) < 5 {
				errs = append(errs, err)
			}
			continue
		}
		if p.Name == "gpg-pubkey" {
			continue // imported signing keys, not software
		}
		if len(out) >= maxPackages {
			return out, fmt.Errorf("more than %d packages", maxPackages)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	return out, errors.Join(errs...)
}
