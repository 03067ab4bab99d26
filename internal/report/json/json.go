package json

import (
	"fmt"
	"io"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/redact"
	"github.com/strata-sec/strata/internal/report"
)

// The types below are the wire contract. They are separate from the report model so that a
// change to the model cannot silently change what consumers parse.

type document struct {
	SchemaVersion string       `json:"schemaVersion"`
	Tool          tool         `json:"tool"`
	GeneratedAt   string       `json:"generatedAt"`
	Sources       []string     `json:"sources"`
	PSSVersion    string       `json:"pssVersion"`
	Datasets      []dataset    `json:"datasets"`
	Findings      []finding    `json:"findings"`
	Suppressed    []finding    `json:"suppressed"`
	Coverage      []coverage   `json:"coverage"`
	Errors        []inputError `json:"errors"`
	Exemptions    []exemption  `json:"exemptions"`
	Controls      []control    `json:"controls"`
	Summary       summary      `json:"summary"`
}

// control is one framework control rated from the coverage of its checks.
type control struct {
	Framework string   `json:"framework"`
	Control   string   `json:"control"`
	Title     string   `json:"title"`
	Status    string   `json:"status"`
	Reason    string   `json:"reason,omitempty"`
	Checks    []string `json:"checks"`
}

// frameworkCounts counts one framework's controls by status.
type frameworkCounts struct {
	Framework   string `json:"framework"`
	Pass        int    `json:"pass"`
	Fail        int    `json:"fail"`
	NotAssessed int    `json:"notAssessed"`
	Error       int    `json:"error"`
}

type tool struct {
	Name           string `json:"name"`
	Version        string `json:"version"`
	InformationURI string `json:"informationUri,omitempty"`
}

type dataset struct {
	Name string `json:"name"`
	Date string `json:"date"`
}

type finding struct {
	CheckID     string           `json:"checkID"`
	Slug        string           `json:"slug"`
	Title       string           `json:"title"`
	Layer       string           `json:"layer"`
	Severity    string           `json:"severity"`
	Object      object           `json:"object"`
	Path        string           `json:"path"`
	Message     string           `json:"message"`
	Remediation string           `json:"remediation"`
	Fix         []report.PatchOp `json:"fix,omitempty"`
	Location    *location        `json:"location,omitempty"`
	Frameworks  []framework      `json:"frameworks"`
	Exemption   *exemption       `json:"exemption,omitempty"`
}

type object struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	UID        string `json:"uid,omitempty"`
}

type location struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
}

type framework struct {
	ID      string `json:"id"`
	Control string `json:"control"`
}

type coverage struct {
	CheckID   string   `json:"checkID"`
	Status    string   `json:"status"`
	Reason    string   `json:"reason,omitempty"`
	Evaluated int      `json:"evaluated"`
	Failed    int      `json:"failed"`
	Errors    []string `json:"errors,omitempty"`
}

type inputError struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

type exemption struct {
	Checks  []string `json:"checks"`
	Reason  string   `json:"reason"`
	Owner   string   `json:"owner,omitempty"`
	Expires string   `json:"expires,omitempty"`
	Source  string   `json:"source"`
	Expired bool     `json:"expired"`
	Used    int      `json:"used"`
}

// Render writes r as the v1 JSON report.
func Render(w io.Writer, r *report.Report) error {
	doc, err := build(r)
	if err != nil {
		return err
	}
	// Findings are converted one at a time as they are written, so a report of a hundred
	// thousand findings never holds them twice.
	findings, suppressed := r.Findings, r.Suppressed
	err = report.WriteJSON(w, doc,
		report.Splice{Marker: "\n  \"findings\": []", Len: len(findings), Item: func(i int) (any, error) { return newFinding(findings[i]) }},
		report.Splice{Marker: "\n  \"suppressed\": []", Len: len(suppressed), Item: func(i int) (any, error) { return newFinding(suppressed[i]) }})
	if err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return nil
}

func build(r *report.Report) (*document, error) {
	doc := &document{
		SchemaVersion: r.SchemaVersion,
		Tool:          tool{Name: r.Tool.Name, Version: r.Tool.Version, InformationURI: r.Tool.InformationURI},
		GeneratedAt:   timestamp(r.GeneratedAt),
		Sources:       append([]string{}, texts(r.Sources)...),
		PSSVersion:    r.PSSVersion,
		Datasets:      []dataset{},
		Findings:      []finding{},
		Suppressed:    []finding{},
		Coverage:      []coverage{},
		Errors:        []inputError{},
		Exemptions:    []exemption{},
		Controls:      newControls(r.Controls),
		Summary:       newSummary(r.Summary, r.ControlSummary),
	}
	for _, d := range r.Datasets {
		doc.Datasets = append(doc.Datasets, dataset{Name: d.Name, Date: timestamp(d.Date)})
	}
	for _, c := range r.Coverage {
		doc.Coverage = append(doc.Coverage, coverage{CheckID: c.CheckID, Status: string(c.Status), Reason: redact.String(c.Reason),
			Evaluated: c.Evaluated, Failed: c.Failed, Errors: texts(c.Errors)})
	}
	for _, e := range r.Errors {
		doc.Errors = append(doc.Errors, inputError{File: redact.String(e.File), Line: e.Line, Message: redact.String(e.Message)})
	}
	for _, e := range r.Exemptions {
		doc.Exemptions = append(doc.Exemptions, newExemption(e))
	}
	return doc, nil
}

func newFinding(f *posture.Finding) (finding, error) {
	fix, err := report.Patch(f.Fix)
	if err != nil {
		return finding{}, fmt.Errorf("finding %s on %s: %w", f.Check.ID, f.Object, err)
	}
	out := finding{
		CheckID:     f.Check.ID,
		Slug:        f.Check.Slug,
		Title:       redact.String(f.Check.Title),
		Layer:       string(f.Check.Layer),
		Severity:    f.Severity.String(),
		Object:      object{APIVersion: f.Object.APIVersion, Kind: f.Object.Kind, Namespace: f.Object.Namespace, Name: f.Object.Name, UID: f.Object.UID},
		Path:        redact.String(f.Path),
		Message:     redact.String(f.Message),
		Remediation: redact.String(f.Check.Remediation),
		Fix:         fix,
		Frameworks:  []framework{},
	}
	if f.Location.File != "" {
		out.Location = &location{File: redact.String(f.Location.File), Line: f.Location.Line}
	}
	for _, fw := range f.Frameworks {
		out.Frameworks = append(out.Frameworks, framework{ID: fw.ID, Control: fw.Control})
	}
	if f.Exemption != nil {
		e := newExemption(f.Exemption)
		out.Exemption = &e
	}
	return out, nil
}

func newExemption(e *posture.Exemption) exemption {
	out := exemption{
		Checks:  append([]string{}, e.Checks...),
		Reason:  redact.String(e.Reason),
		Owner:   redact.String(e.Owner),
		Source:  redact.String(e.Source),
		Expired: e.Expired,
		Used:    e.Used,
	}
	if e.Expires != nil {
		out.Expires = timestamp(*e.Expires)
	}
	return out
}

// texts redacts free text; nil stays nil so that omitempty fields stay out.
func texts(in []string) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = redact.String(s)
	}
	return out
}

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

type severityCounts struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Info     int `json:"info"`
}

type layerCounts struct {
	Kernel    int `json:"kernel"`
	Container int `json:"container"`
	Workload  int `json:"workload"`
	Network   int `json:"network"`
	Node      int `json:"node"`
	Cluster   int `json:"cluster"`
}

type layerCoverage struct {
	Layer       string `json:"layer"`
	Pass        int    `json:"pass"`
	Fail        int    `json:"fail"`
	NotAssessed int    `json:"notAssessed"`
	Error       int    `json:"error"`
}

type summary struct {
	Findings          int               `json:"findings"`
	Suppressed        int               `json:"suppressed"`
	BySeverity        severityCounts    `json:"bySeverity"`
	ByLayer           layerCounts       `json:"byLayer"`
	Coverage          []layerCoverage   `json:"coverage"`
	ObjectsScanned    int               `json:"objectsScanned"`
	ChecksRun         int               `json:"checksRun"`
	InputErrors       int               `json:"inputErrors"`
	ExpiredExemptions int               `json:"expiredExemptions"`
	WorstSeverity     string            `json:"worstSeverity"`
	Frameworks        []frameworkCounts `json:"frameworks"`
}

func newControls(cs []report.ControlCoverage) []control {
	out := make([]control, 0, len(cs))
	for _, c := range cs {
		out = append(out, control{Framework: c.Framework, Control: c.Control, Title: c.Title, Status: string(c.Status),
			Reason: redact.String(c.Reason), Checks: append([]string{}, c.Checks...)})
	}
	return out
}

func newSummary(s report.Summary, fws []report.FrameworkSummary) summary {
	out := summary{
		Findings:   s.Findings,
		Suppressed: s.Suppressed,
		BySeverity: severityCounts{
			Critical: s.BySeverity[check.SeverityCritical], High: s.BySeverity[check.SeverityHigh],
			Medium: s.BySeverity[check.SeverityMedium], Low: s.BySeverity[check.SeverityLow], Info: s.BySeverity[check.SeverityInfo],
		},
		ByLayer: layerCounts{
			Kernel: s.ByLayer[check.LayerKernel], Container: s.ByLayer[check.LayerContainer], Workload: s.ByLayer[check.LayerWorkload],
			Network: s.ByLayer[check.LayerNetwork], Node: s.ByLayer[check.LayerNode], Cluster: s.ByLayer[check.LayerCluster],
		},
		Coverage:          []layerCoverage{},
		ObjectsScanned:    s.Objects,
		ChecksRun:         s.ChecksRun,
		InputErrors:       s.InputErrors,
		ExpiredExemptions: s.ExpiredExemptions,
		WorstSeverity:     "none",
	}
	if s.WorstSeverity.Valid() {
		out.WorstSeverity = s.WorstSeverity.String()
	}
	for _, c := range s.Coverage {
		out.Coverage = append(out.Coverage, layerCoverage{Layer: string(c.Layer), Pass: c.Pass, Fail: c.Fail, NotAssessed: c.NotAssessed, Error: c.Error})
	}
	out.Frameworks = make([]frameworkCounts, 0, len(fws))
	for _, f := range fws {
		out.Frameworks = append(out.Frameworks, frameworkCounts{Framework: f.Framework, Pass: f.Pass, Fail: f.Fail, NotAssessed: f.NotAssessed, Error: f.Error})
	}
	return out
}
