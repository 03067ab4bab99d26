package cli

import (
	"encoding/json"
	"fmt"
	"io"
)

// writeJSON writes v as JSON indented by two spaces, the form every command's --format json uses.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}
