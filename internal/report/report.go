package report

import (
	"slices"
	"sort"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/framework"
	"github.com/strata-sec/strata/internal/posture"
)

// SchemaVersion is the version of the machine-readable report contract (docs/json-report.md).
// It changes only when a field is removed or changes meaning.
const SchemaVersion = "v1"

// DefaultToolName names the tool when Meta leaves it empty.
const DefaultToolName = "strata"

// Meta is what a report says about the scan besides its posture.
type Meta struct {
	ToolName       string
	ToolVersion    string
	InformationURI string
	// GeneratedAt is when the scan ran; tests inject a fixed time.
	GeneratedAt time.Time
	// Sources are the scanned paths as given, or the cluster's name.
	Sources    []string
	PSSVersion string
	// Datasets are the external data the scan used (vulnerability databases, ...).
	Datasets []Dataset
	// Objects counts the objects scanned.
	Objects int
	// Frameworks maps check IDs to the framework controls they implement, so a format can
	// describe checks that produced no finding; findings' own mappings are merged in.
	Frameworks map[string][]posture.FrameworkRef
	// FrameworkDefs are the frameworks whose controls the report rates, from the checks'
	// coverage; nil rates none.
	FrameworkDefs []framework.Framework
}

// Tool identifies the program that wrote the report.
type Tool struct {
	Name           string
	Version        string
	InformationURI string
}

// Dataset is one external data set and how recent it is.
type Dataset struct {
	Name string
	Date time.Time
}

// Report is everything a format renders. Build it with New; formats only read it.
type Report struct {
	SchemaVersion string
	Tool          Tool
	GeneratedAt   time.Time
	Sources       []string
	PSSVersion    string
	Datasets      []Dataset
	// Checks are the checks that ran, in ID order.
	Checks []*check.Meta
	// Findings and Suppressed are in posture order: most severe first.
	Findings   []*posture.Finding
	Suppressed []*posture.Finding
	// Coverage is in check ID order.
	Coverage []posture.Coverage
	// Errors are in file and line order.
	Errors     []posture.InputError
	Exemptions []*posture.Exemption
	// Frameworks maps check IDs to their framework controls, sorted and without duplicates.
	Frameworks map[string][]posture.FrameworkRef
	// Controls rates every control of Meta.FrameworkDefs, in framework and control order;
	// ControlSummary counts them per framework.
	Controls       []ControlCoverage
	ControlSummary []FrameworkSummary
	Summary        Summary

	byID map[string]*check.Meta
}

// New builds a report from a posture without modifying it.
func New(p *posture.Posture, meta Meta) *Report {
	sorted := &posture.Posture{
		Findings:   slices.Clone(p.Findings),
		Suppressed: slices.Clone(p.Suppressed),
		Coverage:   slices.Clone(p.Coverage),
	}
	sorted.Sort()
	name := meta.ToolName
	if name == "" {
		name = DefaultToolName
	}
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: name, Version: meta.ToolVersion, InformationURI: meta.InformationURI},
		GeneratedAt:   meta.GeneratedAt,
		Sources:       slices.Clone(meta.Sources),
		PSSVersion:    meta.PSSVersion,
		Datasets:      slices.Clone(meta.Datasets),
		Findings:      sorted.Findings,
		Suppressed:    sorted.Suppressed,
		Coverage:      sorted.Coverage,
		Errors:        slices.Clone(p.Errors),
		Exemptions:    slices.Clone(p.Exemptions),
	}
	sort.SliceStable(r.Errors, func(i, j int) bool {
		a, b := r.Errors[i], r.Errors[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	r.indexChecks(p)
	r.Frameworks = mergeFrameworks(meta.Frameworks, r.Findings, r.Suppressed)
	r.Summary = summarize(r, meta.Objects)
	r.Controls = controlCoverage(meta.FrameworkDefs, r.Coverage)
	r.ControlSummary = summarizeControls(r.Controls)
	return r
}

// indexChecks collects the checks that ran, including any that only a finding names.
func (r *Report) indexChecks(p *posture.Posture) {
	r.byID = map[string]*check.Meta{}
	add := func(m *check.Meta) {
		if m == nil || r.byID[m.ID] != nil {
			return
		}
		r.byID[m.ID] = m
		r.Checks = append(r.Checks, m)
	}
	for _, m := range p.Checks {
		add(m)
	}
	for _, fs := range [][]*posture.Finding{r.Findings, r.Suppressed} {
		for _, f := range fs {
			add(f.Check)
		}
	}
	sort.SliceStable(r.Checks, func(i, j int) bool { return r.Checks[i].ID < r.Checks[j].ID })
}

// Check returns the metadata of a check that ran, or nil.
func (r *Report) Check(id string) *check.Meta { return r.byID[id] }

func mergeFrameworks(given map[string][]posture.FrameworkRef, lists ...[]*posture.Finding) map[string][]posture.FrameworkRef {
	out := map[string][]posture.FrameworkRef{}
	for id, refs := range given {
		out[id] = append(out[id], refs...)
	}
	for _, fs := range lists {
		for _, f := range fs {
			out[f.Check.ID] = append(out[f.Check.ID], f.Frameworks...)
		}
	}
	for id, refs := range out {
		sort.Slice(refs, func(i, j int) bool {
			if refs[i].ID != refs[j].ID {
				return refs[i].ID < refs[j].ID
			}
			return refs[i].Control < refs[j].Control
		})
		out[id] = slices.Compact(refs)
	}
	return out
}
