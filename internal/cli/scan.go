package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/api/resource"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks"
	"github.com/strata-sec/strata/internal/checks/cluster"
	"github.com/strata-sec/strata/internal/config"
	"github.com/strata-sec/strata/internal/engine"
	"github.com/strata-sec/strata/internal/framework"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/inventory/manifest"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/report"
)

type scanOptions struct {
	streams    IOStreams
	selection  selectionFlags
	cluster    clusterFlags
	images     scanImageFlags
	Paths      []string
	Format     string
	Output     string
	FailOn     string
	PSSVersion string
	ConfigFile string
	NoColor    bool
	MaxFile    string

	// Set by Complete.
	reg        *check.Registry
	fw         *framework.Index
	cfg        *config.Config
	checks     []check.Check
	failOn     check.Severity // 0: never fail on findings
	pss        psaapi.Version
	maxFile    int64
	exemptions []*engine.Exemption
	now        time.Time
}

func newScanCommand(streams IOStreams) *cobra.Command {
	o := &scanOptions{streams: streams}
	cmd := &cobra.Command{
		Use:   "scan (PATH... | --cluster)",
		Short: "Scan manifests (files, directories, - for stdin) or a live cluster for security gaps",
		Long: "Scan manifests (files, directories, - for stdin) or, with --cluster, the live cluster of the\n" +
			"kubeconfig context. A live scan reads every namespace unless -n restricts it, lists only the\n" +
			"kinds the selected checks read, and never reads Secret data: Secrets are listed as metadata.",
		Example: "  strata scan examples/\n  strata scan --format sarif -o strata.sarif deploy/\n" +
			"  kubectl get deploy -A -o yaml | strata scan --fail-on high -\n" +
			"  strata scan --cluster --exclude-namespaces 'kube-*'\n" +
			"  kubectl strata scan --cluster --context prod -n payments --fail-on high",
		RunE: runOptions(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func (o *scanOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Format, "format", "table", "output format: "+formatNames())
	fs.StringVarP(&o.Output, "output", "o", "", "write the report to this file instead of stdout")
	fs.StringVar(&o.FailOn, "fail-on", "none", "exit 1 when a finding is at or above this severity: critical, high, medium, low, info, none")
	fs.StringVar(&o.PSSVersion, "pss-version", "latest", "Pod Security Standards version to evaluate (latest or v1.N)")
	fs.StringVar(&o.ConfigFile, "config", "", "config file with settings and exemptions (see examples/strata.yaml)")
	fs.BoolVar(&o.NoColor, "no-color", false, "never colour the table output")
	fs.StringVar(&o.MaxFile, "max-file-size", "32Mi", "largest input file read (a quantity such as 32Mi)")
	o.selection.AddFlags(fs)
	o.cluster.AddFlags(fs)
	o.images.AddFlags(fs)
}

// Complete loads the registry, framework data and config file, and lets the config file fill
// in settings the command line did not give.
func (o *scanOptions) Complete(cmd *cobra.Command, args []string) error {
	o.Paths = args
	o.now = time.Now()
	o.cluster.recordChanged(cmd.Flags())
	var err error
	if o.reg, err = checks.Registry(); err != nil {
		return fmt.Errorf("load checks: %w", err)
	}
	if o.fw, err = framework.Load(); err != nil {
		return fmt.Errorf("load framework data: %w", err)
	}
	if o.ConfigFile == "" {
		o.images.complete(cmd.Flags(), nil)
		return nil
	}
	if o.cfg, err = config.Load(o.ConfigFile); err != nil {
		return usageErrorf("%v", err)
	}
	fill := func(flag, value string, dst *string) {
		if value != "" && !cmd.Flags().Changed(flag) {
			*dst = value
		}
	}
	fill("fail-on", o.cfg.FailOn, &o.FailOn)
	fill("min-severity", o.cfg.MinSeverity, &o.selection.MinSeverity)
	fill("pss-version", o.cfg.PSSVersion, &o.PSSVersion)
	o.images.complete(cmd.Flags(), o.cfg)
	return nil
}

// Validate turns every flag into its typed value; anything unknown is a usage error.
func (o *scanOptions) Validate() error {
	if err := o.cluster.validate(o.Paths); err != nil {
		return err
	}
	if len(o.Paths) == 0 && !o.cluster.Enabled {
		return usageErrorf("scan needs at least one path (a file, a directory, or - for stdin), or --cluster")
	}
	if _, err := lookupFormat(o.Format); err != nil {
		return err
	}
	if err := o.images.validate(); err != nil {
		return err
	}
	failOn, err := parseFailOn(o.FailOn)
	if err != nil {
		return err
	}
	o.failOn = failOn
	if o.pss, err = parsePSSVersion(o.PSSVersion); err != nil {
		return err
	}
	q, err := resource.ParseQuantity(o.MaxFile)
	if err != nil || q.Value() <= 0 {
		return usageErrorf("--max-file-size: %q is not a positive quantity such as 32Mi", o.MaxFile)
	}
	o.maxFile = q.Value()
	if o.checks, err = o.selection.resolve(o.reg); err != nil {
		return err
	}
	return o.resolveExemptions()
}

func (o *scanOptions) resolveExemptions() error {
	if o.cfg == nil {
		return nil
	}
	for _, e := range o.cfg.Exemptions {
		ex := &engine.Exemption{Namespaces: e.Namespaces, Names: e.Names, Kinds: e.Kinds}
		ex.Reason, ex.Owner, ex.Expires, ex.Source = e.Reason, e.Owner, e.Expiry, e.Source
		for _, name := range e.Checks {
			c, ok := o.reg.Lookup(name)
			if !ok {
				return usageErrorf("%s: exemption names unknown check %q", e.Source, name)
			}
			ex.Checks = append(ex.Checks, c.Metadata().ID)
		}
		o.exemptions = append(o.exemptions, ex)
	}
	return nil
}

// Run scans, writes the report, and returns the exit status: input errors exit 2 (after the
// report of everything that could be read), findings at or above --fail-on exit 1.
func (o *scanOptions) Run(ctx context.Context) error {
	log := logger(ctx)
	start := time.Now()
	in, err := o.load(ctx)
	if err != nil {
		return err
	}
	if err := o.addImages(ctx, in); err != nil {
		return err
	}
	frameworks := o.fw.Map()
	p, err := engine.Evaluate(ctx, in.inv, engine.Options{
		Checks:      o.checks,
		Env:         check.Env{PSSVersion: o.pss, Images: o.images.imagePolicy()},
		Frameworks:  frameworks,
		Exemptions:  o.exemptions,
		KnownChecks: o.knownCheck,
		Now:         o.now,
	})
	if err != nil {
		return err
	}
	p.Errors = append(in.errors, p.Errors...)
	log.Debug("checks evaluated", "checks", len(o.checks), "findings", len(p.Findings), "took", time.Since(start))
	r := report.New(p, report.Meta{
		ToolVersion:   Version(),
		GeneratedAt:   o.now,
		Sources:       in.sources,
		PSSVersion:    o.pss.String(),
		Objects:       in.objects,
		Frameworks:    frameworks,
		FrameworkDefs: o.fw.Frameworks(),
		Datasets:      datasets(),
	})
	if err := o.write(r); err != nil {
		return err
	}
	return o.status(p)
}

// scanInput is what a scan evaluates, from manifests or from a cluster.
type scanInput struct {
	inv     engine.Inventory
	sources []string
	objects int
	// errors are the input errors of a manifest scan; a live scan has none (it fails instead).
	errors []posture.InputError
}

func (o *scanOptions) load(ctx context.Context) (*scanInput, error) {
	log := logger(ctx)
	start := time.Now()
	if o.cluster.Enabled {
		in, err := o.loadCluster(ctx)
		if err != nil {
			return nil, err
		}
		log.Debug("cluster loaded", "source", in.sources[0], "objects", in.objects, "took", time.Since(start))
		return in, nil
	}
	res, err := manifest.Load(ctx, o.Paths, manifest.Options{MaxFileBytes: o.maxFile, Stdin: o.streams.In})
	if err != nil {
		return nil, fmt.Errorf("read manifests: %w", err)
	}
	log.Debug("manifests loaded", "files", res.Files, "objects", len(res.Objects), "errors", len(res.Errors), "took", time.Since(start))
	return &scanInput{inv: inventory.NewIndex(res.Objects), sources: o.Paths, objects: len(res.Objects), errors: res.Errors}, nil
}

func (o *scanOptions) knownCheck(name string) (string, bool) {
	c, ok := o.reg.Lookup(name)
	if !ok {
		return "", false
	}
	return c.Metadata().ID, true
}

func (o *scanOptions) write(r *report.Report) error { return o.output().write(r) }

func (o *scanOptions) status(p *posture.Posture) error { return o.output().status(p) }

func (o *scanOptions) output() reportOutput {
	return reportOutput{streams: o.streams, Format: o.Format, Output: o.Output, NoColor: o.NoColor, FailOn: o.failOn}
}

// datasets names the external data the checks judge against, with its date, for every report.
func datasets() []report.Dataset {
	db, err := cluster.Dataset()
	if err != nil {
		return nil // the version checks that need it end as errors and say why
	}
	name := "kubernetes-cve (embedded)"
	if db.Source() != "" {
		name = "kubernetes-cve (" + db.Source() + ")"
	}
	return []report.Dataset{{Name: name, Date: db.Date()}}
}
