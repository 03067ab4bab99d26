package paths

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats are the output formats Render knows.
var Formats = []string{"text", "json", "dot", "mermaid"}

// Render writes paths in format (text, json, dot or mermaid).
func Render(w io.Writer, format string, ps []Path) error {
	switch format {
	case "text":
		return renderText(w, ps)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if ps == nil {
			ps = []Path{}
		}
		return enc.Encode(ps)
	case "dot":
		return renderDOT(w, ps)
	case "mermaid":
		return renderMermaid(w, ps)
	}
	return fmt.Errorf("unknown format %q (valid: %s)", format, strings.Join(Formats, ", "))
}

func renderText(w io.Writer, ps []Path) error {
	if len(ps) == 0 {
		_, err := fmt.Fprintln(w, "no escalation path found")
		return err
	}
	for _, p := range ps {
		if _, err := fmt.Fprintf(w, "%s -> %s (%d step(s))\n", p.From, p.To, len(p.Steps)); err != nil {
			return err
		}
		for _, s := range p.Steps {
			if _, err := fmt.Fprintf(w, "  %s -> %s: %s [%s %s, %s %s rule %d]\n",
				s.From, s.To, s.Reason, s.Binding.Kind, refName(s.Binding), s.Role.Kind, refName(s.Role), s.Rule); err != nil {
				return err
			}
		}
	}
	return nil
}

// edges collects the distinct edges of the paths, in first-seen order, with node names.
func edges(ps []Path) (nodes []string, es [][3]string) {
	seenN, seenE := map[string]bool{}, map[[3]string]bool{}
	for _, p := range ps {
		for _, s := range p.Steps {
			for _, n := range []string{s.From, s.To} {
				if !seenN[n] {
					seenN[n] = true
					nodes = append(nodes, n)
				}
			}
			e := [3]string{s.From, s.To, s.Reason}
			if !seenE[e] {
				seenE[e] = true
				es = append(es, e)
			}
		}
	}
	return nodes, es
}

func renderDOT(w io.Writer, ps []Path) error {
	nodes, es := edges(ps)
	var b strings.Builder
	b.WriteString("digraph escalation {\n  rankdir=LR;\n  node [shape=box];\n")
	for _, n := range nodes {
		shape := ""
		if n == TargetClusterAdmin || n == TargetSecrets || n == TargetNodes {
			shape = ", shape=doubleoctagon"
		}
		fmt.Fprintf(&b, "  %s [label=%s%s];\n", dotQuote(n), dotQuote(n), shape)
	}
	for _, e := range es {
		fmt.Fprintf(&b, "  %s -> %s [label=%s];\n", dotQuote(e[0]), dotQuote(e[1]), dotQuote(e[2]))
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

func renderMermaid(w io.Writer, ps []Path) error {
	nodes, es := edges(ps)
	ids := map[string]string{}
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for i, n := range nodes {
		ids[n] = fmt.Sprintf("n%d", i)
		fmt.Fprintf(&b, "  n%d[\"%s\"]\n", i, mermaidText(n))
	}
	for _, e := range es {
		fmt.Fprintf(&b, "  %s -->|\"%s\"| %s\n", ids[e[0]], mermaidText(e[2]), ids[e[1]])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaidText escapes the characters that end a Mermaid label.
func mermaidText(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "|", "#124;", "<", "#lt;", ">", "#gt;").Replace(s)
}
