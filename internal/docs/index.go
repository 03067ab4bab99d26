package docs

import (
	"strings"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/framework"
	"github.com/strata-sec/strata/internal/posture"
)

// renderIndex writes README.md: the checks grouped by layer, then per-framework coverage.
func renderIndex(metas []*check.Meta, fw *framework.Index) []byte {
	byLayer := map[check.Layer][]*check.Meta{}
	known := map[string]bool{}
	for _, m := range metas {
		byLayer[m.Layer] = append(byLayer[m.Layer], m)
		known[m.ID] = true
	}
	var p page
	p.WriteString(generatedHeader)
	p.line("# strata checks")
	p.blank()
	p.line("strata has %d checks. Each has a permanent ID that is never reused, belongs to one layer of", len(metas))
	p.line("the stack, and is mapped to the controls of the frameworks below. This reference is generated")
	p.line("from the checks' metadata, the framework data in `internal/framework/data` and the checks'")
	p.line("test fixtures; regenerate it with `go generate ./internal/docs`.")
	p.blank()
	p.line("| Layer | Checks |")
	p.line("|---|---|")
	for _, l := range check.Layers {
		p.line("| [%s](#%s) | %d |", l, l, len(byLayer[l]))
	}
	p.blank()
	for _, l := range check.Layers {
		p.line("## %s", l)
		p.blank()
		if len(byLayer[l]) == 0 {
			p.line("No checks in this layer yet.")
			p.blank()
			continue
		}
		p.line("| ID | Slug | Layer | Severity | Title | Frameworks |")
		p.line("|---|---|---|---|---|---|")
		for _, m := range byLayer[l] {
			p.line("| [%s](%s.md) | %s | %s | %s | %s | %s |", m.ID, m.ID, code(m.Slug), m.Layer, m.Severity,
				cell(m.Title), frameworkSummary(fw.ForCheck(m.ID)))
		}
		p.blank()
	}
	renderCoverage(&p, fw, known)
	return []byte(p.String())
}

// frameworkSummary lists a check's controls compactly, one group per framework:
// "cis-kubernetes-1.10 5.2.9, 5.2.10; pss-restricted capabilities_restricted".
func frameworkSummary(refs []posture.FrameworkRef) string {
	if len(refs) == 0 {
		return "—"
	}
	var groups []string
	for i := 0; i < len(refs); {
		j := i
		var controls []string
		for ; j < len(refs) && refs[j].ID == refs[i].ID; j++ {
			controls = append(controls, cell(refs[j].Control))
		}
		groups = append(groups, refs[i].ID+" "+strings.Join(controls, ", "))
		i = j
	}
	return strings.Join(groups, "; ")
}

// renderCoverage lists every control of every framework with the checks that assess it, so a
// control nothing covers is visible rather than implied compliant.
func renderCoverage(p *page, fw *framework.Index, known map[string]bool) {
	p.line("## Framework coverage")
	p.blank()
	p.line("A control is covered when at least one check assesses it. Controls without checks are")
	p.line("listed so that no report reads them as compliant.")
	p.blank()
	isKnown := func(id string) bool { return known[id] }
	for _, f := range fw.Frameworks() {
		p.line("### %s %s (`%s`)", cell(f.Title), cell(f.Version), f.ID)
		p.blank()
		p.line("<%s>", f.URL)
		p.blank()
		if f.Scope != "" {
			p.line("Scope: %s", prose(f.Scope))
			p.blank()
		}
		p.line("%d of %d controls covered.", f.Covered(isKnown), len(f.Controls))
		p.blank()
		withAssessment := false
		for _, c := range f.Controls {
			withAssessment = withAssessment || c.Assessment != ""
		}
		if withAssessment {
			p.line("| Control | Title | Assessment | Checks |")
			p.line("|---|---|---|---|")
		} else {
			p.line("| Control | Title | Checks |")
			p.line("|---|---|---|")
		}
		for _, c := range f.Controls {
			row := []string{code(c.ID), cell(c.Title)}
			if withAssessment {
				row = append(row, string(c.Assessment))
			}
			row = append(row, checkLinks(c.Checks, known))
			p.line("| %s |", strings.Join(row, " | "))
		}
		p.blank()
	}
}

// checkLinks links the registered checks of a control; an ID no registered check has is shown
// as such instead of as a dead link.
func checkLinks(ids []string, known map[string]bool) string {
	if len(ids) == 0 {
		return "not covered"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		if known[id] {
			parts[i] = "[" + id + "](" + id + ".md)"
		} else {
			parts[i] = id + " (not registered)"
		}
	}
	return strings.Join(parts, ", ")
}
