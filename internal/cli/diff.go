package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/ledger"
	"github.com/strata-sec/strata/internal/redact"
)

type diffOptions struct {
	streams   IOStreams
	Since     string
	From      string
	To        string
	Snapshots bool
	Ledger    string
	Format    string
	FailOn    string
	Timeout   time.Duration

	// Set by Complete.
	now      func() time.Time
	from, to time.Time
	snapA    int64
	snapB    int64
	failOn   check.Severity
	changed  map[string]bool
	snapArgs []string
}

// newDiffCommand builds 'strata diff': how posture moved between two times, from the ledger.
func newDiffCommand(streams IOStreams) *cobra.Command {
	o := &diffOptions{streams: streams}
	cmd := &cobra.Command{
		Use:   "diff [--since DURATION | --from TIME [--to TIME] | --snapshots A B]",
		Short: "Show how posture got worse or better between two times, and who changed what",
		Long: "diff reads the posture ledger that 'strata serve' records and lists the findings that made\n" +
			"posture worse (opened and still open, or raised in severity) and better (resolved, or lowered) in a\n" +
			"time range, most severe first, each with the change that caused it and the field manager that made\n" +
			"that change. Times are RFC 3339 (2026-11-26T09:00:00Z), dates (2026-11-26), 'now', or durations\n" +
			"before now (24h, 7d). The ledger is $XDG_DATA_HOME/strata/ledger.db unless --ledger (or\n" +
			"$STRATA_LEDGER) names a SQLite file or a postgres:// URL.",
		Example: "  strata diff --since 24h\n" +
			"  strata diff --from 2026-11-20 --to 2026-11-26T12:00:00Z --format json\n" +
			"  strata diff --snapshots 41 57 --ledger postgres://strata@db/strata\n" +
			"  strata diff --since 1h --fail-on high",
		RunE: runOptions(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func (o *diffOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Since, "since", "24h", "diff from this long ago (or this time) until now")
	fs.StringVar(&o.From, "from", "", "start of the range: RFC 3339 time, date, or duration before now")
	fs.StringVar(&o.To, "to", "now", "end of the range (with --from)")
	fs.BoolVar(&o.Snapshots, "snapshots", false, "diff between two snapshot IDs given as arguments")
	fs.StringVar(&o.Ledger, "ledger", "", "ledger DSN: a SQLite file path, sqlite:PATH or postgres://... (default $STRATA_LEDGER or the local ledger file)")
	fs.StringVar(&o.Format, "format", "table", "output format: table, json")
	fs.StringVar(&o.FailOn, "fail-on", "none", "exit 1 when a finding that got worse is at or above this severity: critical, high, medium, low, info, none")
	fs.DurationVar(&o.Timeout, "timeout", 60*time.Second, "give up on the ledger after this long")
}

// Complete records which flags were set and reads the snapshot arguments.
func (o *diffOptions) Complete(cmd *cobra.Command, args []string) error {
	o.changed = map[string]bool{}
	cmd.Flags().Visit(func(f *pflag.Flag) { o.changed[f.Name] = true })
	if o.now == nil {
		o.now = time.Now
	}
	if o.Ledger == "" {
		o.Ledger = os.Getenv("STRATA_LEDGER")
	}
	o.snapArgs = args
	return nil
}

func (o *diffOptions) Validate() error {
	modes := 0
	for _, f := range []string{"since", "from", "snapshots"} {
		if o.changed[f] {
			modes++
		}
	}
	if modes > 1 {
		return usageErrorf("--since, --from and --snapshots exclude each other")
	}
	if o.changed["to"] && !o.changed["from"] {
		return usageErrorf("--to needs --from")
	}
	if o.Format != "table" && o.Format != "json" {
		return usageErrorf("--format: unknown format %q (valid: table, json)", o.Format)
	}
	if o.Timeout <= 0 {
		return usageErrorf("--timeout: %s is not a positive duration", o.Timeout)
	}
	failOn, err := parseFailOn(o.FailOn)
	if err != nil {
		return err
	}
	o.failOn = failOn
	if o.Snapshots {
		return o.validateSnapshots()
	}
	if len(o.snapArgs) > 0 {
		return usageErrorf("diff takes no arguments (snapshot IDs need --snapshots): %q", o.snapArgs)
	}
	now := o.now().UTC()
	if o.changed["from"] {
		if o.from, err = ledger.ParseTime(o.From, now); err != nil {
			return usageErrorf("--from: %v", err)
		}
		if o.to, err = ledger.ParseTime(o.To, now); err != nil {
			return usageErrorf("--to: %v", err)
		}
	} else {
		if o.from, err = ledger.ParseTime(o.Since, now); err != nil {
			return usageErrorf("--since: %v", err)
		}
		o.to = now
	}
	if o.to.Before(o.from) {
		return usageErrorf("the range ends (%s) before it starts (%s)", o.to.Format(time.RFC3339), o.from.Format(time.RFC3339))
	}
	return nil
}

func (o *diffOptions) validateSnapshots() error {
	if len(o.snapArgs) != 2 {
		return usageErrorf("--snapshots needs two snapshot IDs, got %d arguments", len(o.snapArgs))
	}
	ids := make([]int64, 2)
	for i, a := range o.snapArgs {
		v, err := strconv.ParseInt(a, 10, 64)
		if err != nil || v <= 0 {
			return usageErrorf("--snapshots: %q is not a snapshot ID (a positive integer)", a)
		}
		ids[i] = v
	}
	o.snapA, o.snapB = ids[0], ids[1]
	return nil
}

// diffReport is the JSON output.
type diffReport struct {
	*ledger.Diff
	Ledger string `json:"ledger"`
	// HistoryStart is the oldest event in the ledger: changes before it are not known.
	HistoryStart *time.Time `json:"historyStart,omitempty"`
}

// Run opens the ledger, diffs and prints. Findings at or above --fail-on among the worse ones
// exit 1.
func (o *diffOptions) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	l, err := ledger.OpenExisting(ctx, o.Ledger)
	if err != nil {
		return usageErrorf("%v", err)
	}
	defer l.Close()
	var d *ledger.Diff
	if o.Snapshots {
		d, err = l.DiffSnapshots(ctx, o.snapA, o.snapB)
	} else {
		d, err = l.Diff(ctx, o.from, o.to)
	}
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return usageErrorf("ledger %s: no answer within %s", l, o.Timeout)
		}
		return usageErrorf("%v", err)
	}
	rep := diffReport{Diff: d, Ledger: l.String()}
	oldest, _, ok, err := l.History(ctx)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if ok {
		rep.HistoryStart = &oldest
	}
	redactDiff(d)
	if o.Format == "json" {
		enc := json.NewEncoder(o.streams.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else if err := printDiff(o.streams.Out, rep); err != nil {
		return err
	}
	if o.failOn != 0 {
		for _, c := range d.Worse {
			if c.Severity >= o.failOn {
				return &exitError{code: ExitFindings}
			}
		}
	}
	return nil
}

// redactDiff masks secret-looking values in the free text the ledger stored.
func redactDiff(d *ledger.Diff) {
	for _, cs := range [][]ledger.Change{d.Worse, d.Better} {
		for i := range cs {
			cs[i].Message, cs[i].Cause = redact.String(cs[i].Message), redact.String(cs[i].Cause)
		}
	}
}

func printDiff(w io.Writer, r diffReport) error {
	d := r.Diff
	fmt.Fprintf(w, "Posture from %s to %s (%s): %d worse, %d better.\n", d.From.Format(time.RFC3339), d.To.Format(time.RFC3339),
		r.Ledger, len(d.Worse), len(d.Better))
	if d.FromSnapshot != nil && d.ToSnapshot != nil {
		fmt.Fprintf(w, "Snapshot %d: %d findings; snapshot %d: %d findings.\n", d.FromSnapshot.ID, d.FromSnapshot.Total, d.ToSnapshot.ID, d.ToSnapshot.Total)
	}
	switch {
	case r.HistoryStart == nil:
		fmt.Fprintln(w, "The ledger holds no events yet: nothing is known about this range.")
	case r.HistoryStart.After(d.From):
		fmt.Fprintf(w, "The ledger's history starts at %s: changes before it are not known.\n", r.HistoryStart.Format(time.RFC3339))
	}
	for _, sec := range []struct {
		title string
		cs    []ledger.Change
	}{{"WORSE", d.Worse}, {"BETTER", d.Better}} {
		if len(sec.cs) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", sec.title)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SEVERITY\tCHANGE\tCHECK\tOBJECT\tMESSAGE\tWHEN\tBY")
		for _, c := range sec.cs {
			sev := c.Severity.String()
			if c.Previous != 0 {
				sev = c.Previous.String() + "→" + sev
			}
			by := c.Manager
			if by == "" {
				by = "-"
			}
			if c.Cause != "" {
				by += " (" + c.Cause + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s %s\t%s\t%s\t%s\t%s\n", sev, c.Kind, c.CheckID, c.Slug, object(c),
				oneLine(c.Message, 80), c.At.Format(time.RFC3339), oneLine(by, 80))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func object(c ledger.Change) string {
	s := c.Object.String()
	if c.Path != "" {
		s += " " + c.Path
	}
	return s
}

// oneLine keeps a table cell on one line and at most n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
