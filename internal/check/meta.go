package check

import (
	"fmt"
	"regexp"
	"strings"
)

// Layer is one of the six layers of the stack strata looks at.
type Layer string

const (
	LayerKernel    Layer = "kernel"
	LayerContainer Layer = "container"
	LayerWorkload  Layer = "workload"
	LayerNetwork   Layer = "network"
	LayerNode      Layer = "node"
	LayerCluster   Layer = "cluster"
)

// Layers lists every layer from the bottom of the stack to the top.
var Layers = []Layer{LayerKernel, LayerContainer, LayerWorkload, LayerNetwork, LayerNode, LayerCluster}

// ParseLayer returns the layer named s, or an error naming the valid layers.
func ParseLayer(s string) (Layer, error) {
	for _, l := range Layers {
		if string(l) == strings.ToLower(strings.TrimSpace(s)) {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown layer %q (valid: %s)", s, joinLayers())
}

func joinLayers() string {
	names := make([]string, len(Layers))
	for i, l := range Layers {
		names[i] = string(l)
	}
	return strings.Join(names, ", ")
}

// Severity orders findings; a higher value is more severe.
type Severity int

const (
	SeverityInfo Severity = iota + 1
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = map[Severity]string{
	SeverityInfo: "info", SeverityLow: "low", SeverityMedium: "medium", SeverityHigh: "high", SeverityCritical: "critical",
}

// Severities lists every severity from the most to the least severe.
var Severities = []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow, SeverityInfo}

func (s Severity) String() string {
	if n, ok := severityNames[s]; ok {
		return n
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// Valid reports whether s is one of the declared severities.
func (s Severity) Valid() bool { _, ok := severityNames[s]; return ok }

// MarshalText writes the severity's lower-case name.
func (s Severity) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("invalid severity %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText reads a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity returns the severity named s (case-insensitive).
func ParseSeverity(s string) (Severity, error) {
	want := strings.ToLower(strings.TrimSpace(s))
	for v, n := range severityNames {
		if n == want {
			return v, nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (valid: critical, high, medium, low, info)", s)
}

// Meta is a check's metadata, declared once next to its logic.
type Meta struct {
	// ID is permanent and opaque ("ST-0017"): never derived from the title, never reused.
	ID string
	// Slug is a short, stable, human-friendly name ("privileged-container").
	Slug  string
	Title string
	Layer Layer
	// Severity of a violation of this check.
	Severity Severity
	// Description says what the check looks for and why it matters to an attacker.
	Description string
	// Remediation says how to fix a violation; it ends with a period.
	Remediation string
	// References are HTTPS links to the primary sources.
	References []string
}

var (
	idPattern   = regexp.MustCompile(`^ST-[0-9]{4}$`)
	slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// Validate reports every problem with m's metadata at once.
func (m *Meta) Validate() error {
	var errs []string
	if !idPattern.MatchString(m.ID) {
		errs = append(errs, fmt.Sprintf("id %q does not match ST-NNNN", m.ID))
	}
	if !slugPattern.MatchString(m.Slug) {
		errs = append(errs, fmt.Sprintf("slug %q is not lower-case-dashed", m.Slug))
	}
	if strings.TrimSpace(m.Title) == "" {
		errs = append(errs, "title is empty")
	}
	if _, err := ParseLayer(string(m.Layer)); err != nil {
		errs = append(errs, err.Error())
	}
	if !m.Severity.Valid() {
		errs = append(errs, fmt.Sprintf("severity %d is not valid", int(m.Severity)))
	}
	if len(strings.TrimSpace(m.Description)) < 40 {
		errs = append(errs, "description is missing or shorter than 40 characters")
	}
	if !strings.HasSuffix(m.Remediation, ".") {
		errs = append(errs, "remediation must be a sentence ending with a period")
	}
	if len(m.References) == 0 {
		errs = append(errs, "no references")
	}
	for _, r := range m.References {
		if !strings.HasPrefix(r, "https://") {
			errs = append(errs, fmt.Sprintf("reference %q is not HTTPS", r))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("check %s: %s", m.ID, strings.Join(errs, "; "))
	}
	return nil
}
