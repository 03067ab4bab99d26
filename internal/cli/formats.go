package cli

import (
	"io"
	"strings"

	"github.com/strata-sec/strata/internal/report"
	jsonreport "github.com/strata-sec/strata/internal/report/json"
	"github.com/strata-sec/strata/internal/report/junit"
	"github.com/strata-sec/strata/internal/report/sarif"
	"github.com/strata-sec/strata/internal/report/table"
)

// renderFunc renders a report; the table options only matter to the table format.
type renderFunc func(w io.Writer, r *report.Report, o table.Options) error

func formats() report.Formats {
	return report.Formats{
		"table": table.Render,
		"json":  jsonreport.Render,
		"sarif": sarif.Render,
		"junit": junit.Render,
	}
}

func formatList() []string { return formats().Names() }

func formatNames() string { return strings.Join(formatList(), ", ") }

// lookupFormat returns the renderer of a format; an unknown name is a usage error.
func lookupFormat(name string) (renderFunc, error) {
	r, err := formats().Lookup(name)
	if err != nil {
		return nil, usageErrorf("--format: %v", err)
	}
	if name == "table" {
		return table.RenderWith, nil
	}
	return func(w io.Writer, rep *report.Report, _ table.Options) error { return r(w, rep) }, nil
}
