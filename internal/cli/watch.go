package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/klog/v2"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks"
	"github.com/strata-sec/strata/internal/config"
	"github.com/strata-sec/strata/internal/engine"
	"github.com/strata-sec/strata/internal/framework"
	"github.com/strata-sec/strata/internal/inventory/live"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/watch"
)

// subscriberBuffer is how many batches the command lets pile up before the watcher drops it.
const subscriberBuffer = 4096

type watchOptions struct {
	streams    IOStreams
	selection  selectionFlags
	cluster    clusterFlags
	Output     string
	PSSVersion string
	ConfigFile string
	Resync     time.Duration
	Coalesce   time.Duration
	MaxBatch   int

	// Set by Complete and Validate.
	scan   *scanOptions // registry, framework data, config and exemptions, as scan resolves them
	checks []check.Check
	pss    psaapi.Version
	table  bool
}

func newWatchCommand(streams IOStreams) *cobra.Command {
	o := &watchOptions{streams: streams}
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Watch a live cluster and stream posture changes as they happen",
		Long: "Watch the live cluster of the kubeconfig context: list the kinds the selected checks read, evaluate\n" +
			"everything once (events marked initial), then stream a new, resolved or changed event for every\n" +
			"finding that an object change adds, removes or alters, until interrupted. Every --resync the whole\n" +
			"cluster is evaluated again. Output is NDJSON (docs/events.md) unless stdout is a terminal, where a\n" +
			"live summary is shown instead. Secrets are watched as metadata only.",
		Example: "  strata watch --exclude-namespaces 'kube-*' | jq 'select(.type==\"new\")'\n" +
			"  strata watch --context prod --layer workload,cluster --output ndjson",
		Args: cobra.NoArgs,
		RunE: runOptions(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func (o *watchOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Output, "output", "o", "", "ndjson (one event per line) or table (a live summary); default table on a terminal, ndjson otherwise")
	fs.StringVar(&o.PSSVersion, "pss-version", "latest", "Pod Security Standards version to evaluate (latest or v1.N)")
	fs.StringVar(&o.ConfigFile, "config", "", "config file with settings and exemptions (see examples/strata.yaml)")
	fs.DurationVar(&o.Resync, "resync", watch.DefaultResync, "evaluate the whole cluster again this often (reconciles any drift)")
	fs.DurationVar(&o.Coalesce, "coalesce", watch.DefaultCoalesce, "gather changes for this long before evaluating them together")
	fs.IntVar(&o.MaxBatch, "max-batch", watch.DefaultMaxBatch, "evaluate at once when this many changes are pending")
	o.selection.AddFlags(fs)
	o.cluster.AddFlags(fs)
	// watch always reads the cluster: --cluster is scan's switch, and needs no mention.
	_ = fs.MarkHidden("cluster")
	fs.VisitAll(func(f *pflag.Flag) { f.Usage = strings.TrimPrefix(f.Usage, "with --cluster: ") })
}

// Complete loads the registry, framework data and config file the way scan does.
func (o *watchOptions) Complete(cmd *cobra.Command, _ []string) error {
	o.cluster.Enabled = true
	o.scan = &scanOptions{streams: o.streams, selection: o.selection, cluster: o.cluster, ConfigFile: o.ConfigFile,
		PSSVersion: o.PSSVersion, now: time.Now()}
	var err error
	if o.scan.reg, err = checks.Registry(); err != nil {
		return fmt.Errorf("load checks: %w", err)
	}
	if o.scan.fw, err = framework.Load(); err != nil {
		return fmt.Errorf("load framework data: %w", err)
	}
	if o.ConfigFile == "" {
		return nil
	}
	if o.scan.cfg, err = config.Load(o.ConfigFile); err != nil {
		return usageErrorf("%v", err)
	}
	if v := o.scan.cfg.MinSeverity; v != "" && !cmd.Flags().Changed("min-severity") {
		o.selection.MinSeverity = v
	}
	if v := o.scan.cfg.PSSVersion; v != "" && !cmd.Flags().Changed("pss-version") {
		o.PSSVersion = v
	}
	return nil
}

// Validate turns the flags into typed values; anything unknown is a usage error.
func (o *watchOptions) Validate() error {
	if err := o.cluster.validate(nil); err != nil {
		return err
	}
	switch o.Output {
	case "":
		o.table = isTerminal(o.streams.Out)
	case "ndjson":
	case "table":
		o.table = true
	default:
		return usageErrorf("--output: %q is not ndjson or table", o.Output)
	}
	if o.Resync < 0 || o.Coalesce < 0 || o.MaxBatch < 0 {
		return usageErrorf("--resync, --coalesce and --max-batch must not be negative")
	}
	var err error
	if o.pss, err = parsePSSVersion(o.PSSVersion); err != nil {
		return err
	}
	if o.checks, err = o.selection.resolve(o.scan.reg); err != nil {
		return err
	}
	return o.scan.resolveExemptions()
}

// Run watches until ctx ends (SIGINT, SIGTERM), which is a clean exit. A watch that cannot
// start (unreachable server, bad credentials) exits 2 as a scan would.
func (o *watchOptions) Run(ctx context.Context) error {
	log := logger(ctx)
	klog.SetSlogLogger(slog.New(minLevel{log.Handler(), slog.LevelInfo}))
	cfg, err := o.cluster.kube.ToRESTConfig()
	if err != nil {
		return usageErrorf("load kubeconfig: %v", err)
	}
	resync := o.Resync
	if resync == 0 {
		resync = -1 // --resync 0 turns resyncs off
	}
	w, err := watch.New(cfg, watch.Options{
		Engine: engine.Options{
			Checks:      o.checks,
			Env:         check.Env{PSSVersion: o.pss},
			Frameworks:  o.scan.fw.Map(),
			Exemptions:  o.scan.exemptions,
			KnownChecks: o.scan.knownCheck,
		},
		Live: live.Options{
			Namespaces:        o.cluster.namespaces(),
			ExcludeNamespaces: splitAll(o.cluster.ExcludeNamespaces),
			QPS:               o.cluster.QPS,
			Burst:             o.cluster.Burst,
		},
		Coalesce: o.Coalesce,
		MaxBatch: o.MaxBatch,
		Resync:   resync,
		Logger:   log,
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	ch, unsubscribe := w.Subscribe(subscriberBuffer)
	go func() { done <- w.Run(ctx) }()

	var sink batchSink = &ndjsonSink{w: bufio.NewWriter(o.streams.Out)}
	if o.table {
		sink = &tableSink{w: o.streams.Out}
	}
	for {
		b, ok := <-ch
		if !ok {
			break
		}
		if err := sink.write(b); err != nil {
			cancel()
			<-done
			return fmt.Errorf("write events: %w", err)
		}
		if b.Overflow {
			// The stream fell behind; start again from the current posture, marked initial,
			// so a consumer can rebuild its state (docs/events.md).
			unsubscribe()
			ch, unsubscribe = w.Subscribe(subscriberBuffer)
			if err := sink.write(baseline(w.Posture(), w.Status().Objects)); err != nil {
				cancel()
				<-done
				return fmt.Errorf("write events: %w", err)
			}
		}
	}
	unsubscribe()
	if err := <-done; err != nil {
		return err
	}
	return nil
}

// baseline is a batch that restates p: every finding as a new, initial event.
func baseline(p *posture.Posture, objects int) watch.Batch {
	b := watch.Batch{Full: true, Initial: true, Posture: p, Objects: objects, At: time.Now()}
	if p == nil {
		return b
	}
	for _, f := range p.Findings {
		b.Events = append(b.Events, posture.Event{Type: posture.EventNew, Finding: f, Time: b.At, Cause: "baseline after overflow"})
	}
	return b
}

// batchSink is where the command writes batches.
type batchSink interface {
	write(b watch.Batch) error
}

// ndjsonSink writes every batch as NDJSON lines and flushes after each batch, so a consumer
// sees events as soon as they are published.
type ndjsonSink struct{ w *bufio.Writer }

func (s *ndjsonSink) write(b watch.Batch) error {
	recs, err := watch.BatchRecords(b)
	if err != nil {
		return err
	}
	if err := watch.WriteRecords(s.w, recs); err != nil {
		return err
	}
	return s.w.Flush()
}

// tableRecent is how many recent events the terminal view shows.
const tableRecent = 20

// tableSink redraws a terminal: one summary line and the most recent events.
type tableSink struct {
	w      io.Writer
	recent []string
	synced bool
}

func (s *tableSink) write(b watch.Batch) error {
	if b.Overflow {
		s.recent = append(s.recent, time.Now().Format("15:04:05")+"  events were lost (display too slow); restarting from the current posture")
	}
	if b.Initial {
		s.synced = true
	}
	recs, err := watch.BatchRecords(b)
	if err != nil {
		return err
	}
	if !b.Initial {
		for _, r := range recs {
			if r.Check == nil {
				continue
			}
			s.recent = append(s.recent, fmt.Sprintf("%s  %-8s %-8s %s %-28s %s/%s  %s", r.Time.Local().Format("15:04:05"),
				strings.ToUpper(r.Type), r.Severity, r.Check.ID, r.Check.Slug, r.Object.Kind, objectName(r.Object), r.Message))
		}
		if len(s.recent) > tableRecent {
			s.recent = s.recent[len(s.recent)-tableRecent:]
		}
	}
	var sb strings.Builder
	sb.WriteString("\033[H\033[2J")
	sb.WriteString(summaryLine(b, s.synced))
	sb.WriteString("\n\n")
	for _, l := range s.recent {
		sb.WriteString(l)
		sb.WriteByte('\n')
	}
	_, err = io.WriteString(s.w, sb.String())
	return err
}

func objectName(o *watch.RecordObject) string {
	if o.Namespace == "" {
		return o.Name
	}
	return o.Namespace + "/" + o.Name
}

// summaryLine counts the posture's findings by severity.
func summaryLine(b watch.Batch, synced bool) string {
	state := "syncing"
	if synced {
		state = "synced"
	}
	if b.Posture == nil {
		return fmt.Sprintf("strata watch  %s", state)
	}
	counts := map[check.Severity]int{}
	for _, f := range b.Posture.Findings {
		counts[f.Severity]++
	}
	var parts []string
	for _, sev := range []check.Severity{check.SeverityCritical, check.SeverityHigh, check.SeverityMedium, check.SeverityLow, check.SeverityInfo} {
		parts = append(parts, fmt.Sprintf("%s %d", sev, counts[sev]))
	}
	return fmt.Sprintf("strata watch  %s  %s objects  %s findings (%s)  last evaluation %s", state, thousands(b.Objects),
		thousands(len(b.Posture.Findings)), strings.Join(parts, ", "), b.At.Local().Format("15:04:05"))
}
