package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Renderer writes a report in one format.
type Renderer func(io.Writer, *Report) error

// Formats maps format names ("table", "json", "sarif", "junit") to renderers. The format
// packages import this one, so the command line assembles the map from them.
type Formats map[string]Renderer

// Lookup returns the renderer of a format; an unknown name is an error that lists the valid
// ones.
func (f Formats) Lookup(name string) (Renderer, error) {
	if r, ok := f[strings.ToLower(strings.TrimSpace(name))]; ok && r != nil {
		return r, nil
	}
	return nil, fmt.Errorf("unknown output format %q (valid: %s)", name, strings.Join(f.Names(), ", "))
}

// Names lists the formats in alphabetical order.
func (f Formats) Names() []string {
	names := make([]string, 0, len(f))
	for n := range f {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
