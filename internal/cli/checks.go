package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks"
	"github.com/strata-sec/strata/internal/framework"
)

func newChecksCommand(streams IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "checks",
		Short: "List and explain strata's checks",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newChecksListCommand(streams), newChecksExplainCommand(streams))
	return cmd
}

type checksListOptions struct {
	streams   IOStreams
	selection selectionFlags
	Format    string
}

func newChecksListCommand(streams IOStreams) *cobra.Command {
	o := &checksListOptions{streams: streams}
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List checks (filter with --layer, --min-severity, --checks)",
		Example: "  strata checks list --layer workload\n  strata checks list --format json",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if o.Format != "table" && o.Format != "json" {
				return usageErrorf("--format: %q is not table or json", o.Format)
			}
			return o.Run()
		},
	}
	cmd.Flags().StringVar(&o.Format, "format", "table", "table or json")
	o.selection.AddFlags(cmd.Flags())
	return cmd
}

// checkJSON is the JSON form of a check's metadata.
type checkJSON struct {
	ID          string   `json:"id"`
	Slug        string   `json:"slug"`
	Title       string   `json:"title"`
	Layer       string   `json:"layer"`
	Severity    string   `json:"severity"`
	Description string   `json:"description"`
	Remediation string   `json:"remediation"`
	References  []string `json:"references"`
	Inputs      []string `json:"inputs"`
}

func (o *checksListOptions) Run() error {
	reg, err := checks.Registry()
	if err != nil {
		return err
	}
	list, err := o.selection.resolve(reg)
	if err != nil {
		return err
	}
	if o.Format == "json" {
		out := make([]checkJSON, 0, len(list))
		for _, c := range list {
			out = append(out, toJSON(c))
		}
		return writeJSON(o.streams.Out, out)
	}
	tw := tabwriter.NewWriter(o.streams.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLAYER\tSEVERITY\tSLUG\tTITLE")
	for _, c := range list {
		m := c.Metadata()
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.ID, m.Layer, m.Severity, m.Slug, m.Title)
	}
	return tw.Flush()
}

func toJSON(c check.Check) checkJSON {
	m := c.Metadata()
	j := checkJSON{ID: m.ID, Slug: m.Slug, Title: m.Title, Layer: string(m.Layer), Severity: m.Severity.String(),
		Description: m.Description, Remediation: m.Remediation, References: m.References, Inputs: []string{}}
	for _, gk := range c.Inputs() {
		j.Inputs = append(j.Inputs, gk.String())
	}
	return j
}

func newChecksExplainCommand(streams IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:     "explain ID|SLUG",
		Short:   "Explain a check: why it matters, how to fix it, frameworks, and examples",
		Example: "  strata checks explain ST-0001\n  strata checks explain shared-process-namespace",
		Args:    cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			reg, err := checks.Registry()
			if err != nil {
				return err
			}
			c, ok := reg.Lookup(args[0])
			if !ok {
				return usageErrorf("unknown check %q (see 'strata checks list')", args[0])
			}
			fw, err := framework.Load()
			if err != nil {
				return err
			}
			return explain(streams.Out, c, fw)
		},
	}
}

func explain(w io.Writer, c check.Check, fw *framework.Index) error {
	m := c.Metadata()
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s\n%s\n\n", m.ID, m.Title, strings.Repeat("=", len(m.ID)+2+len(m.Title)))
	fmt.Fprintf(&b, "slug:      %s\nlayer:     %s\nseverity:  %s\n", m.Slug, m.Layer, m.Severity)
	var inputs []string
	for _, gk := range c.Inputs() {
		inputs = append(inputs, gk.String())
	}
	fmt.Fprintf(&b, "reads:     %s\n\n", strings.Join(inputs, ", "))
	fmt.Fprintf(&b, "Why it matters\n  %s\n\nHow to fix it\n  %s\n\n", m.Description, m.Remediation)
	if refs := fw.ForCheck(m.ID); len(refs) > 0 {
		b.WriteString("Frameworks\n")
		for _, r := range refs {
			fmt.Fprintf(&b, "  %s: %s\n", r.ID, r.Control)
		}
		b.WriteString("\n")
	}
	b.WriteString("References\n")
	for _, r := range m.References {
		fmt.Fprintf(&b, "  %s\n", r)
	}
	fail, pass := checks.Example(m.ID)
	for _, ex := range []struct {
		title string
		f     checks.Fixture
	}{{"Failing example", fail}, {"Passing example", pass}} {
		if ex.f.Name == "" {
			continue
		}
		fmt.Fprintf(&b, "\n%s (%s)\n", ex.title, ex.f.Name)
		for _, line := range strings.Split(strings.TrimRight(string(ex.f.Data), "\n"), "\n") {
			fmt.Fprintf(&b, "  %s\n", line)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
