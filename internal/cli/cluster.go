package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory/live"
)

// defaultRequestTimeout bounds each API request of a live scan unless --request-timeout says
// otherwise: kubectl's default of no timeout would let one stuck request hang the scan forever.
const defaultRequestTimeout = "30s"

// clusterFlags are the flags of a live-cluster scan: strata's own plus kubectl's standard
// connection flags (--kubeconfig, --context, -n, --request-timeout, --as, ...).
type clusterFlags struct {
	Enabled           bool
	AllNamespaces     bool
	ExcludeNamespaces []string
	QPS               float32
	Burst             int
	kube              *genericclioptions.ConfigFlags

	// names are the flags above; changed those set on the command line.
	names, changed []string
}

func (f *clusterFlags) AddFlags(fs *pflag.FlagSet) {
	own := pflag.NewFlagSet("cluster", pflag.ContinueOnError)
	own.BoolVar(&f.Enabled, "cluster", false, "scan the live cluster of the kubeconfig context instead of manifests; every namespace unless -n restricts it")
	own.BoolVarP(&f.AllNamespaces, "all-namespaces", "A", false, "with --cluster: scan every namespace (already the default: a security scan looks everywhere)")
	own.StringSliceVar(&f.ExcludeNamespaces, "exclude-namespaces", nil, "with --cluster: leave out namespaces matching these patterns (comma-separated, * and ? wildcards, e.g. kube-*)")
	own.Float32Var(&f.QPS, "qps", live.DefaultQPS, "with --cluster: most requests per second sent to the API server")
	own.IntVar(&f.Burst, "burst", live.DefaultBurst, "with --cluster: most requests sent to the API server in a burst")
	f.kube = genericclioptions.NewConfigFlags(true)
	// --cluster is strata's switch; the kubeconfig cluster is chosen through --context.
	f.kube.ClusterName = nil
	// No discovery cache is kept: each scan asks the server what it serves now.
	f.kube.CacheDir = nil
	f.kube.Timeout = ptr.To(defaultRequestTimeout)
	f.kube.AddFlags(own)
	own.Lookup("namespace").Usage = "with --cluster: scan only this namespace (or comma-separated namespaces); without it every namespace is scanned"
	own.VisitAll(func(fl *pflag.Flag) { f.names = append(f.names, fl.Name) })
	fs.AddFlagSet(own)
}

// recordChanged notes which cluster flags the command line set.
func (f *clusterFlags) recordChanged(fs *pflag.FlagSet) {
	fs.Visit(func(fl *pflag.Flag) {
		if fl.Name != "cluster" && slices.Contains(f.names, fl.Name) {
			f.changed = append(f.changed, fl.Name)
		}
	})
}

// namespaces returns the namespaces -n names, split on commas.
func (f *clusterFlags) namespaces() []string {
	if f.kube == nil || f.kube.Namespace == nil {
		return nil
	}
	return splitAll([]string{*f.kube.Namespace})
}

func (f *clusterFlags) validate(paths []string) error {
	if !f.Enabled {
		if len(f.changed) > 0 {
			return usageErrorf("--%s only applies to a live scan: add --cluster", f.changed[0])
		}
		return nil
	}
	if len(paths) > 0 {
		return usageErrorf("--cluster scans the live cluster and takes no paths (got %s)", strings.Join(paths, " "))
	}
	ns := f.namespaces()
	if f.AllNamespaces && len(ns) > 0 {
		return usageErrorf("--namespace and --all-namespaces cannot be used together")
	}
	for _, n := range ns {
		if errs := validation.IsDNS1123Label(n); len(errs) > 0 {
			return usageErrorf("--namespace: %q is not a namespace name: %s", n, strings.Join(errs, "; "))
		}
	}
	for _, p := range splitAll(f.ExcludeNamespaces) {
		if _, err := path.Match(p, ""); err != nil {
			return usageErrorf("--exclude-namespaces: bad pattern %q: %v", p, err)
		}
	}
	if f.QPS <= 0 || f.Burst <= 0 {
		return usageErrorf("--qps and --burst must be positive")
	}
	return nil
}

// loadCluster reads the live inventory of the kinds the selected checks read.
func (o *scanOptions) loadCluster(ctx context.Context) (*scanInput, error) {
	log := logger(ctx)
	// client-go logs through klog; send it where strata's own records go, without klog's
	// verbosity levels (feature gates, request traces), which would drown out strata's own.
	klog.SetSlogLogger(slog.New(minLevel{log.Handler(), slog.LevelInfo}))
	cfg, err := o.cluster.kube.ToRESTConfig()
	if err != nil {
		return nil, usageErrorf("load kubeconfig: %v", err)
	}
	opts := live.Options{
		Kinds:             check.InputsOf(o.checks),
		Namespaces:        o.cluster.namespaces(),
		ExcludeNamespaces: splitAll(o.cluster.ExcludeNamespaces),
		QPS:               o.cluster.QPS,
		Burst:             o.cluster.Burst,
		Logger:            log,
	}
	// The progress line is for people watching a terminal; -v logs each kind instead.
	if isTerminal(o.streams.ErrOut) && !log.Enabled(ctx, slog.LevelDebug) {
		p := &progressLine{w: o.streams.ErrOut}
		opts.Progress = p.update
		defer p.clear()
	}
	res, err := live.Load(ctx, cfg, opts)
	if err != nil {
		return nil, err
	}
	return &scanInput{
		inv:     res.Index(),
		sources: []string{o.clusterSource(cfg.Host)},
		objects: len(res.Objects),
	}, nil
}

// clusterSource names the scanned cluster in the report: its server and kubeconfig context.
func (o *scanOptions) clusterSource(host string) string {
	name := ptr.Deref(o.cluster.kube.Context, "")
	if name == "" {
		if raw, err := o.cluster.kube.ToRawKubeConfigLoader().RawConfig(); err == nil {
			name = raw.CurrentContext
		}
	}
	if name == "" {
		return "cluster " + host
	}
	return fmt.Sprintf("cluster %s (context %s)", host, name)
}

// minLevel drops records below a level whatever the handler's own threshold.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(attrs), h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.min}
}

// progressLine rewrites one terminal line as kinds are listed.
type progressLine struct {
	w       io.Writer
	written bool
}

func (p *progressLine) update(resource string, listed int) {
	fmt.Fprintf(p.w, "\r\033[Klisting %s… %s", resource, thousands(listed))
	p.written = true
}

func (p *progressLine) clear() {
	if p.written {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// thousands formats n with comma separators: 15000 → "15,000".
func thousands(n int) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
