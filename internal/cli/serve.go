package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/klog/v2"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/engine"
	"github.com/strata-sec/strata/internal/inventory/live"
	"github.com/strata-sec/strata/internal/ledger"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/report"
	"github.com/strata-sec/strata/internal/server"
	"github.com/strata-sec/strata/internal/watch"
)

// ledgerNone turns the ledger off.
const ledgerNone = "none"

type serveOptions struct {
	// w holds the watch settings (checks, cluster, config, PSS version, resync); serve
	// resolves them exactly as strata watch does.
	w watchOptions

	Listen           string
	TokenFile        string
	TLSCert          string
	TLSKey           string
	InsecureHTTP     bool
	Ledger           string
	SnapshotInterval time.Duration

	tokens *server.Tokens
}

func newServeCommand(streams IOStreams) *cobra.Command {
	o := &serveOptions{w: watchOptions{streams: streams, Output: "ndjson"}}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Watch a live cluster and serve its posture: HTTP API, live events, metrics and a dashboard",
		Long: "serve watches the live cluster of the kubeconfig context as strata watch does and serves the\n" +
			"current posture: a JSON API (/api/v1/findings, /api/v1/posture, /api/v1/history), a Server-Sent\n" +
			"Events stream of posture changes (/api/v1/events), Prometheus metrics (/metrics), health\n" +
			"(/healthz, /readyz) and a dashboard (/). Everything but /healthz and /readyz needs a token from\n" +
			"--token-file. Findings, events and snapshots are kept in a ledger (SQLite by default) for the\n" +
			"posture-over-time chart. See docs/api.md.",
		Example: "  strata serve --token-file tokens.txt\n" +
			"  strata serve --listen 0.0.0.0:8443 --tls-cert tls.crt --tls-key tls.key --token-file /etc/strata/tokens \\\n" +
			"      --ledger postgres://strata@db/strata --exclude-namespaces 'kube-*'",
		Args: cobra.NoArgs,
		RunE: runOptions(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func (o *serveOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Listen, "listen", "127.0.0.1:8080", "address to serve on; plain HTTP is refused on non-loopback addresses unless --insecure-http")
	fs.StringVar(&o.TokenFile, "token-file", "", "file of API tokens, one per line (at least 16 characters each); required")
	fs.StringVar(&o.TLSCert, "tls-cert", "", "TLS certificate file (PEM); with --tls-key")
	fs.StringVar(&o.TLSKey, "tls-key", "", "TLS private key file (PEM); with --tls-cert")
	fs.BoolVar(&o.InsecureHTTP, "insecure-http", false, "serve plain HTTP on a non-loopback address (only behind a TLS-terminating proxy)")
	fs.StringVar(&o.Ledger, "ledger", "", "posture ledger: a SQLite path, sqlite:PATH or postgres:// URL; default the SQLite file under $XDG_DATA_HOME/strata; none disables history")
	fs.DurationVar(&o.SnapshotInterval, "snapshot-interval", 5*time.Minute, "store a posture snapshot in the ledger this often (and after every full evaluation)")
	fs.StringVar(&o.w.PSSVersion, "pss-version", "latest", "Pod Security Standards version to evaluate (latest or v1.N)")
	fs.StringVar(&o.w.ConfigFile, "config", "", "config file with settings and exemptions (see examples/strata.yaml)")
	fs.DurationVar(&o.w.Resync, "resync", watch.DefaultResync, "evaluate the whole cluster again this often (reconciles any drift); 0 disables")
	fs.DurationVar(&o.w.Coalesce, "coalesce", watch.DefaultCoalesce, "gather changes for this long before evaluating them together")
	fs.IntVar(&o.w.MaxBatch, "max-batch", watch.DefaultMaxBatch, "evaluate at once when this many changes are pending")
	o.w.selection.AddFlags(fs)
	o.w.cluster.AddFlags(fs)
	// serve always reads the cluster: --cluster is scan's switch.
	_ = fs.MarkHidden("cluster")
}

// Complete resolves checks, framework data and the config file as strata watch does.
func (o *serveOptions) Complete(cmd *cobra.Command, args []string) error {
	return o.w.Complete(cmd, args)
}

// Validate checks the server flags before anything starts: a bad token file or an insecure
// listen address is a usage error, not a half-started server.
func (o *serveOptions) Validate() error {
	if err := o.w.Validate(); err != nil {
		return err
	}
	if o.TokenFile == "" {
		return usageErrorf("--token-file is required: every API call and the dashboard are authenticated")
	}
	if (o.TLSCert == "") != (o.TLSKey == "") {
		return usageErrorf("--tls-cert and --tls-key go together")
	}
	if err := server.CheckListen(o.Listen, o.TLSCert != "", o.InsecureHTTP); err != nil {
		return usageErrorf("%v", err)
	}
	if o.SnapshotInterval < time.Second {
		return usageErrorf("--snapshot-interval must be at least 1s")
	}
	var err error
	if o.tokens, err = server.LoadTokens(o.TokenFile); err != nil {
		return usageErrorf("--token-file: %v", err)
	}
	return nil
}

// Run serves until ctx ends (SIGINT, SIGTERM), then shuts down gracefully.
func (o *serveOptions) Run(ctx context.Context) error {
	log := logger(ctx)
	klog.SetSlogLogger(slog.New(minLevel{log.Handler(), slog.LevelInfo}))
	w, err := o.newWatcher(log)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	metas := make([]*check.Meta, len(o.w.checks))
	for i, c := range o.w.checks {
		metas[i] = c.Metadata()
	}
	sopts := server.Options{Source: w, Checks: metas, Tokens: o.tokens, Logger: log, SecureCookies: o.TLSCert != ""}
	fed := &fedPosture{}
	led, writer, err := o.openLedger(ctx, log, fed)
	if err != nil {
		return err
	}
	if led != nil {
		defer led.Close()
		sopts.History, sopts.Ledger = ledgerHistory{led}, writerHealth{writer}
	}
	srv, err := server.New(sopts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.Listen, err)
	}
	scheme := "http"
	if o.TLSCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(o.w.streams.Out, "strata serve: listening on %s://%s (ledger: %s)\n", scheme, ln.Addr(), o.ledgerName(led))

	// Every part runs until ctx ends; the first to fail ends them all.
	errc := make(chan error, 5)
	run := func(name string, f func() error) {
		go func() {
			err := f()
			if err != nil {
				err = fmt.Errorf("%s: %w", name, err)
			}
			cancel()
			errc <- err
		}()
	}
	// The consumers subscribe before the watcher starts, so they all see its first batch: the
	// ledger reconciles with it.
	parts := 3
	run("events", func() error { return srv.Run(ctx) })
	<-srv.Subscribed()
	run("http", func() error { return srv.Serve(ctx, ln, server.TLSFiles{Cert: o.TLSCert, Key: o.TLSKey}) })
	if writer != nil {
		parts += 2
		ch, unsubscribe := w.Subscribe(subscriberBuffer)
		run("ledger writer", func() error { writer.Run(ctx); return nil })
		run("ledger feed", func() error {
			feedLedger(ctx, log, w, ch, unsubscribe, led, writer, fed, o.SnapshotInterval)
			return nil
		})
	}
	run("watch", func() error { return w.Run(ctx) })
	var errs []error
	for range parts {
		if err := <-errc; err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// openLedger opens the ledger and its writer; both nil with --ledger none. The writer
// reconciles with the posture the feed last queued.
func (o *serveOptions) openLedger(ctx context.Context, log *slog.Logger, fed *fedPosture) (*ledger.Ledger, *ledger.Writer, error) {
	if o.Ledger == ledgerNone {
		return nil, nil, nil
	}
	led, err := ledger.Open(ctx, o.Ledger)
	if err != nil {
		return nil, nil, fmt.Errorf("open ledger: %w", err)
	}
	writer := ledger.NewWriter(led, ledger.WriterOptions{Logger: log, Current: fed.get})
	return led, writer, nil
}

// newWatcher prepares the watcher from the resolved watch settings.
func (o *serveOptions) newWatcher(log *slog.Logger) (*watch.Watcher, error) {
	cfg, err := o.w.cluster.kube.ToRESTConfig()
	if err != nil {
		return nil, usageErrorf("load kubeconfig: %v", err)
	}
	resync := o.w.Resync
	if resync == 0 {
		resync = -1 // --resync 0 turns resyncs off
	}
	return watch.New(cfg, watch.Options{
		Engine: engine.Options{Checks: o.w.checks, Env: check.Env{PSSVersion: o.w.pss}, Frameworks: o.w.scan.fw.Map(),
			Exemptions: o.w.scan.exemptions, KnownChecks: o.w.scan.knownCheck},
		Live: live.Options{Namespaces: o.w.cluster.namespaces(), ExcludeNamespaces: splitAll(o.w.cluster.ExcludeNamespaces),
			QPS: o.w.cluster.QPS, Burst: o.w.cluster.Burst},
		Coalesce: o.w.Coalesce, MaxBatch: o.w.MaxBatch, Resync: resync, Logger: log,
	})
}

func (o *serveOptions) ledgerName(l *ledger.Ledger) string {
	if l == nil {
		return "none"
	}
	return l.String()
}

// fedPosture is the posture after the last batch the ledger feed queued, and when it was
// observed: the writer's Current. The feed sets it before it queues the batch's events, so
// the writer's reconciliation knows exactly which queued events the posture reflects. The
// watcher's own posture may be ahead of the feed, whose batches then queued would be replayed
// over a newer state.
type fedPosture struct {
	mu sync.Mutex
	p  *posture.Posture
	at time.Time
}

func (f *fedPosture) set(p *posture.Posture, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.p, f.at = p, at
}

func (f *fedPosture) get() (*posture.Posture, time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.p, f.at
}

// feedLedger writes the watcher's events and snapshots to the ledger until ctx ends. The first
// full evaluation is reconciled with the ledger, so findings that opened or resolved while
// strata was not running are recorded as such; after that every batch's events are queued, and
// a snapshot is queued after every full evaluation and every interval.
func feedLedger(ctx context.Context, log *slog.Logger, w *watch.Watcher, ch <-chan watch.Batch, unsubscribe func(),
	l *ledger.Ledger, wr *ledger.Writer, fed *fedPosture, interval time.Duration) {
	defer func() { unsubscribe() }()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if p := w.Posture(); p != nil && w.Status().Synced {
				wr.EnqueueSnapshot(p, time.Now())
			}
		case b, ok := <-ch:
			if !ok {
				return
			}
			switch {
			case b.Overflow:
				// Batches were lost: the events between the last posture seen and the current
				// one are exactly their diff, queued behind what the writer already holds.
				unsubscribe()
				ch, unsubscribe = w.Subscribe(subscriberBuffer)
				cur, now := w.Posture(), time.Now()
				if cur == nil {
					continue
				}
				var before []*posture.Finding
				if last, _ := fed.get(); last != nil {
					before = last.Findings
				}
				evs := posture.Diff(before, cur.Findings, now)
				for i := range evs {
					evs[i].Cause = ledger.ReconcileCause
				}
				log.Warn("ledger feed fell behind the watcher; queued the difference", "events", len(evs))
				fed.set(cur, now)
				wr.Enqueue(evs)
				continue
			case b.Posture != nil:
				fed.set(b.Posture, b.At) // before its events are queued
			}
			switch {
			case b.Initial:
				rctx, cancel := context.WithTimeout(ctx, time.Minute)
				evs, err := l.Reconcile(rctx, b.Posture, b.At)
				cancel()
				if err != nil {
					// The ledger is down: the writer reconciles with the then current posture
					// when it returns, so findings resolved while strata was not running are
					// resolved then rather than left open.
					log.Error("reconcile ledger with the first posture", "err", err)
					wr.RequestReconcile()
				} else {
					log.Info("ledger reconciled", "events", len(evs))
				}
			case len(b.Events) > 0:
				wr.Enqueue(b.Events)
			}
			if b.Full && b.Posture != nil {
				wr.EnqueueSnapshot(b.Posture, b.At)
			}
		}
	}
}

// ledgerHistory serves the posture-over-time chart from the ledger's snapshots.
type ledgerHistory struct{ l *ledger.Ledger }

func (h ledgerHistory) Series(ctx context.Context, since time.Time) ([]server.Point, error) {
	snaps, err := h.l.Snapshots(ctx, since)
	if err != nil {
		return nil, err
	}
	out := make([]server.Point, 0, len(snaps))
	for _, s := range snaps {
		out = append(out, snapshotPoint(s))
	}
	return out, nil
}

// snapshotPoint converts a ledger snapshot; severity names the build does not know are left
// out rather than guessed.
func snapshotPoint(s ledger.Snapshot) server.Point {
	p := server.Point{At: s.At, BySeverity: map[check.Severity]int{}, ByLayer: map[check.Layer]int{}}
	for name, n := range s.BySeverity {
		if sev, err := check.ParseSeverity(name); err == nil {
			p.BySeverity[sev] += n
		}
	}
	for layer, bySev := range s.ByLayer {
		for _, n := range bySev {
			p.ByLayer[layer] += n
		}
	}
	for _, l := range check.Layers {
		if c, ok := s.Coverage[l]; ok {
			p.Coverage = append(p.Coverage, report.LayerCoverage{Layer: l, Pass: c.Pass, Fail: c.Fail, NotAssessed: c.NotAssessed, Error: c.Error})
		}
	}
	return p
}

// writerHealth reports the ledger writer's counters to the server.
type writerHealth struct{ w *ledger.Writer }

func (h writerHealth) WriteErrors() uint64 { return h.w.Stats().WriteErrors }
func (h writerHealth) QueueLength() int    { return h.w.Stats().QueuedBatches }

// LastError is the last write error while the ledger is failing, and "" once a write has
// succeeded since: /readyz must not keep reporting an outage that is over.
func (h writerHealth) LastError() string {
	s := h.w.Stats()
	if s.Available {
		return ""
	}
	return s.LastError
}
