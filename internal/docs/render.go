package docs

import (
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/framework"
)

// renderCheck writes one check's page.
func renderCheck(c check.Check, fw *framework.Index, ex examples) []byte {
	m := c.Metadata()
	var p page
	p.WriteString(generatedHeader)
	p.line("# %s: %s", m.ID, cell(m.Title))
	p.blank()
	p.line("| | |")
	p.line("|---|---|")
	p.line("| ID | `%s` |", m.ID)
	p.line("| Slug | %s |", code(m.Slug))
	p.line("| Layer | %s |", m.Layer)
	p.line("| Severity | %s |", m.Severity)
	if k := kindName(c); k != "" {
		p.line("| Kind | %s |", k)
	}
	p.line("| Inputs | %s |", inputs(c.Inputs()))
	p.blank()
	p.line("## Description")
	p.blank()
	p.line("%s", prose(m.Description))
	p.blank()
	p.line("## Remediation")
	p.blank()
	p.line("%s", prose(m.Remediation))
	p.blank()
	renderControls(&p, m.ID, fw)
	renderExamples(&p, ex)
	p.line("## References")
	p.blank()
	for _, r := range m.References {
		p.line("- <%s>", strings.TrimSpace(r))
	}
	p.blank()
	p.line("[All checks](%s)", IndexFile)
	return []byte(p.String())
}

// kindName describes how the engine runs the check.
func kindName(c check.Check) string {
	switch c.(type) {
	case *check.WorkloadCheck:
		return "workload: runs on every object that embeds a pod spec"
	case *check.ClusterCheck:
		return "cluster: reads the whole inventory"
	case check.ObjectEvaluator:
		return "object: runs on every object of its input kind"
	}
	return ""
}

func inputs(gks []schema.GroupKind) string {
	if len(gks) == 0 {
		return "none"
	}
	parts := make([]string, len(gks))
	for i, gk := range gks {
		parts[i] = code(gk.String())
	}
	return strings.Join(parts, ", ")
}

func renderControls(p *page, id string, fw *framework.Index) {
	p.line("## Framework controls")
	p.blank()
	refs := fw.ForCheck(id)
	if len(refs) == 0 {
		p.line("This check is not mapped to a control of any framework strata knows.")
		p.blank()
		return
	}
	p.line("| Framework | Control | Title |")
	p.line("|---|---|---|")
	for _, r := range refs {
		f, _ := fw.Lookup(r.ID)
		ctl, _ := f.Control(r.Control)
		p.line("| %s (%s) | %s | %s |", cell(f.Title+" "+f.Version), code(f.ID), code(r.Control), cell(ctl.Title))
	}
	p.blank()
}

func renderExamples(p *page, ex examples) {
	if ex.Fail == nil && ex.Pass == nil {
		return
	}
	p.line("## Examples")
	p.blank()
	if e := ex.Fail; e != nil {
		p.line("### Fails: [%s](%s)", cell(e.Name), e.Link)
		p.blank()
		p.codeBlock("yaml", e.Data)
		p.blank()
		if len(e.Findings) > 0 {
			p.line("strata reports:")
			p.blank()
			p.codeBlock("text", e.Findings)
			p.blank()
		}
	}
	if e := ex.Pass; e != nil {
		p.line("### Passes: [%s](%s)", cell(e.Name), e.Link)
		p.blank()
		p.codeBlock("yaml", e.Data)
		p.blank()
	}
}
