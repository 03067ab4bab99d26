package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/report"
	"github.com/strata-sec/strata/internal/report/table"
)

// reportOutput is where and how a command that evaluates checks (scan, node) writes its
// report; the format has been validated with lookupFormat.
type reportOutput struct {
	streams IOStreams
	Format  string
	Output  string
	NoColor bool
	FailOn  check.Severity // 0: never fail on findings
}

// write renders r to --output or stdout; only a terminal stdout gets colour.
func (o reportOutput) write(r *report.Report) error {
	render, _ := lookupFormat(o.Format)
	var w io.Writer = o.streams.Out
	color := !o.NoColor && isTerminal(o.streams.Out) && os.Getenv("NO_COLOR") == ""
	if o.Output != "" {
		f, err := os.Create(o.Output)
		if err != nil {
			return usageErrorf("write report: %v", err)
		}
		defer f.Close()
		w, color = f, false
	}
	if err := render(w, r, table.Options{Color: color, FailOn: o.FailOn}); err != nil {
		return fmt.Errorf("render %s report: %w", o.Format, err)
	}
	return nil
}

// status is the exit status of an evaluated posture: input errors exit 2, findings at or
// above FailOn exit 1.
func (o reportOutput) status(p *posture.Posture) error {
	if n := len(p.Errors); n > 0 {
		return &exitError{code: ExitUsage, err: fmt.Errorf("%d input error(s); everything else was scanned and reported", n)}
	}
	if o.FailOn == 0 {
		return nil
	}
	for _, f := range p.Findings {
		if f.Severity >= o.FailOn {
			return &exitError{code: ExitFindings}
		}
	}
	return nil
}

// parseFailOn reads a --fail-on value: a severity, or none (0: no finding fails the command).
func parseFailOn(s string) (check.Severity, error) {
	if s == "none" {
		return 0, nil
	}
	sev, err := check.ParseSeverity(s)
	if err != nil {
		return 0, usageErrorf("--fail-on: %v (or none)", err)
	}
	return sev, nil
}
