package sarif

import (
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/redact"
	"github.com/strata-sec/strata/internal/report"
)

const (
	schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
	version   = "2.1.0"
	// fingerprintKey names strata's fingerprint; the version suffix changes if the key does.
	fingerprintKey = "strataFindingKey/v1"
)

// securitySeverity is the score code-scanning services rank results by.
var securitySeverity = map[check.Severity]string{
	check.SeverityCritical: "9.5", check.SeverityHigh: "8.0", check.SeverityMedium: "5.5",
	check.SeverityLow: "3.0", check.SeverityInfo: "0.0",
}

// level maps a severity to a SARIF result level.
func level(s check.Severity) string {
	switch {
	case s >= check.SeverityHigh:
		return "error"
	case s == check.SeverityMedium:
		return "warning"
	}
	return "note"
}

// Render writes r as a SARIF 2.1.0 log with one run.
func Render(w io.Writer, r *report.Report) error {
	b := &builder{r: r, index: map[string]int{}}
	log, err := b.build()
	if err != nil {
		return err
	}
	// The results of the one run are streamed: they are most of a large report.
	results := log.Runs[0].Results
	log.Runs[0].Results = []result{}
	err = report.WriteJSON(w, log, report.Splice{Marker: "\n      \"results\": []", Len: len(results),
		Item: func(i int) (any, error) { return results[i], nil }})
	if err != nil {
		return fmt.Errorf("write sarif report: %w", err)
	}
	return nil
}

type builder struct {
	r *report.Report
	// index maps a check ID to its rule's position in the driver's rules.
	index map[string]int
}

func (b *builder) build() (*sarifLog, error) {
	out := run{
		Tool: tool{Driver: driver{Name: b.r.Tool.Name, Version: b.r.Tool.Version,
			InformationURI: b.r.Tool.InformationURI, Rules: []rule{}}},
		Results:    []result{},
		Properties: b.runProps(),
	}
	for _, m := range b.r.Checks {
		b.index[m.ID] = len(out.Tool.Driver.Rules)
		out.Tool.Driver.Rules = append(out.Tool.Driver.Rules, b.rule(m))
	}
	for _, f := range slices.Concat(b.r.Findings, b.r.Suppressed) {
		res, err := b.result(f)
		if err != nil {
			return nil, err
		}
		out.Results = append(out.Results, res)
	}
	out.Invocations = []invocation{b.invocation()}
	return &sarifLog{Schema: schemaURI, Version: version, Runs: []run{out}}, nil
}

func (b *builder) runProps() runProps {
	p := runProps{SchemaVersion: b.r.SchemaVersion, PSSVersion: b.r.PSSVersion, Sources: []string{},
		Datasets: []dataset{}, ObjectsScanned: b.r.Summary.Objects}
	for _, s := range b.r.Sources {
		p.Sources = append(p.Sources, redact.String(s))
	}
	for _, d := range b.r.Datasets {
		p.Datasets = append(p.Datasets, dataset{Name: d.Name, Date: d.Date.UTC().Format(time.RFC3339)})
	}
	return p
}

func (b *builder) rule(m *check.Meta) rule {
	fws := b.r.Frameworks[m.ID]
	tags := []string{"security", "kubernetes", string(m.Layer)}
	props := ruleProps{SecuritySeverity: securitySeverity[m.Severity], Severity: m.Severity.String(),
		Layer: string(m.Layer), Frameworks: []framework{}}
	for _, fw := range fws {
		props.Frameworks = append(props.Frameworks, framework{ID: fw.ID, Control: fw.Control})
		if !slices.Contains(tags, fw.ID) {
			tags = append(tags, fw.ID)
		}
	}
	props.Tags = tags
	out := rule{
		ID:                   m.ID,
		Name:                 m.Slug,
		ShortDescription:     multiformat{Text: redact.String(m.Title)},
		FullDescription:      multiformat{Text: redact.String(m.Description)},
		Help:                 help(m),
		DefaultConfiguration: configuration{Level: level(m.Severity)},
		Properties:           props,
	}
	if len(m.References) > 0 {
		out.HelpURI = m.References[0]
	}
	return out
}

func help(m *check.Meta) multiformat {
	desc, fix := redact.String(m.Description), redact.String(m.Remediation)
	var text, md strings.Builder
	fmt.Fprintf(&text, "%s\n\nRemediation: %s", desc, fix)
	fmt.Fprintf(&md, "%s\n\n**Remediation:** %s", desc, fix)
	if len(m.References) > 0 {
		text.WriteString("\n\nReferences:")
		md.WriteString("\n\n**References:**\n")
		for _, ref := range m.References {
			fmt.Fprintf(&text, "\n- %s", ref)
			fmt.Fprintf(&md, "\n- <%s>", ref)
		}
	}
	return multiformat{Text: text.String(), Markdown: md.String()}
}

func (b *builder) result(f *posture.Finding) (result, error) {
	fix, err := report.Patch(f.Fix)
	if err != nil {
		return result{}, fmt.Errorf("finding %s on %s: %w", f.Check.ID, f.Object, err)
	}
	msg := redact.String(f.Message)
	if strings.TrimSpace(msg) == "" {
		msg = redact.String(f.Check.Title)
	}
	path := redact.String(f.Path)
	loc := location{LogicalLocations: logical(f.Object, path)}
	if f.Location.File != "" {
		loc.PhysicalLocation = physicalAt(f.Location.File, f.Location.Line)
	}
	res := result{
		RuleID:              f.Check.ID,
		RuleIndex:           b.index[f.Check.ID],
		Level:               level(f.Severity),
		Message:             message{Text: msg},
		Locations:           []location{loc},
		PartialFingerprints: map[string]string{fingerprintKey: report.Fingerprint(f)},
		Properties: resultProps{Path: path, Fix: fix, Object: object{APIVersion: f.Object.APIVersion,
			Kind: f.Object.Kind, Namespace: f.Object.Namespace, Name: f.Object.Name, UID: f.Object.UID}},
	}
	if e := f.Exemption; e != nil {
		kind := "external"
		if strings.HasPrefix(e.Source, "annotation") {
			kind = "inSource"
		}
		res.Suppressions = []suppression{{Kind: kind, Status: "accepted",
			Justification: redact.String(e.Reason + " (" + e.Source + ")")}}
	}
	return res, nil
}

// logical names the object, and the field within it when the finding has a path.
func logical(ref check.Ref, path string) []logicalLocation {
	obj := report.ObjectName(ref)
	name := ref.Name
	if name == "" {
		name = obj
	}
	out := []logicalLocation{{Name: name, FullyQualifiedName: obj, Kind: "resource"}}
	if path != "" {
		out = append(out, logicalLocation{Name: path, FullyQualifiedName: obj + "#" + path, Kind: "property"})
	}
	return out
}

// fileURI turns a file path into a URI reference: forward slashes, percent-encoded where a URI
// needs it ("my dir/a.yaml" becomes "my%20dir/a.yaml").
func fileURI(file string) string {
	return (&url.URL{Path: filepath.ToSlash(file)}).String()
}
