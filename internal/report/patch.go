package report

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/redact"
)

// PatchOp is a fix operation as the formats write it. Value holds the JSON of the operation's
// value with every string in it redacted; it is nil only for operations that carry no value
// (remove, move, copy), so a value of false, 0, "" or null is written, never dropped.
type PatchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value,omitempty"`
}

// opsWithValue are the RFC 6902 operations whose value member is required.
var opsWithValue = map[string]bool{"add": true, "replace": true, "test": true}

// Patch converts a finding's fix into output operations; nil when there is no fix.
func Patch(ops []check.PatchOp) ([]PatchOp, error) {
	if len(ops) == 0 {
		return nil, nil
	}
	out := make([]PatchOp, 0, len(ops))
	for i, op := range ops {
		p := PatchOp{Op: op.Op, Path: redact.String(op.Path)}
		if opsWithValue[op.Op] {
			v, err := redactedJSON(op.Value)
			if err != nil {
				return nil, fmt.Errorf("fix operation %d (%s %s): %w", i, op.Op, op.Path, err)
			}
			p.Value = v
		}
		out = append(out, p)
	}
	return out, nil
}

// CompactPatch renders operations as one line of JSON.
func CompactPatch(ops []PatchOp) (string, error) {
	b, err := marshal(ops)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// redactedJSON encodes v, whatever its Go type, and masks every string in it.
func redactedJSON(v any) (json.RawMessage, error) {
	raw, err := marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode value: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, fmt.Errorf("decode value: %w", err)
	}
	return marshal(redactStrings(generic))
}

func redactStrings(v any) any {
	switch x := v.(type) {
	case string:
		return redact.String(x)
	case []any:
		for i := range x {
			x[i] = redactStrings(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = redactStrings(x[k])
		}
	}
	return v
}

// marshal encodes without HTML escaping, so paths and messages stay readable, and without the
// encoder's trailing newline.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
