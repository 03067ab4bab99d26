package nodefacts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxRecordBytes is the largest recorded facts document Decode reads.
const MaxRecordBytes = 16 << 20

// Encode writes facts as indented JSON, the record format of strata node --facts-out.
func Encode(w io.Writer, f *Facts) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(f)
}

// Decode reads a recorded facts document of at most limit bytes (MaxRecordBytes when limit
// is 0 or less). It rejects unknown fields, other kinds and other schema versions, so a
// record never silently means less than it says.
func Decode(r io.Reader, limit int64) (*Facts, error) {
	if limit <= 0 {
		limit = MaxRecordBytes
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	f := &Facts{}
	if err := dec.Decode(f); err != nil {
		return nil, fmt.Errorf("not a facts document: %w", err)
	}
	if dec.More() {
		return nil, errors.New("not a facts document: data after the JSON object")
	}
	if f.APIVersion != APIVersion || f.Kind != KindName {
		return nil, fmt.Errorf("apiVersion %q kind %q: want %s %s", f.APIVersion, f.Kind, APIVersion, KindName)
	}
	if f.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("schemaVersion %q is not supported (want %q)", f.SchemaVersion, SchemaVersion)
	}
	if f.Hostname == "" {
		return nil, errors.New("hostname is empty")
	}
	if f.Name == "" {
		f.Name = f.Hostname
	}
	if f.Sysctls == nil {
		f.Sysctls = map[string]string{}
	}
	return f, nil
}
