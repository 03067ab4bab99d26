package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks"
	"github.com/strata-sec/strata/internal/config"
	"github.com/strata-sec/strata/internal/engine"
	"github.com/strata-sec/strata/internal/framework"
	"github.com/strata-sec/strata/internal/imagefacts"
	"github.com/strata-sec/strata/internal/report"
)

type imageOptions struct {
	streams    IOStreams
	images     imageFlags
	Refs       []string
	Format     string
	Output     string
	FailOn     string
	FactsOut   string
	ConfigFile string
	NoColor    bool

	// Set by Complete and Validate.
	reg    *check.Registry
	fw     *framework.Index
	cfg    *config.Config
	checks []check.Check
	failOn check.Severity
	now    time.Time
}

func newImageCommand(streams IOStreams) *cobra.Command {
	o := &imageOptions{streams: streams}
	cmd := &cobra.Command{
		Use:   "image REF...",
		Short: "Analyse container images at rest and check them: user, contents, packages, vulnerabilities, signatures",
		Long: "Analyse each image (a registry reference, oci:DIR[:TAG|@DIGEST] or docker-archive:FILE.tar)\n" +
			"without running it — configuration, the flattened filesystem, OS packages and Go modules —\n" +
			"and evaluate the container checks that read images alone. Vulnerabilities are matched against\n" +
			"the local OSV database (strata db import); without one they are not assessed. Signatures are\n" +
			"verified against --key public keys (cosign format). Registry credentials come from the Docker\n" +
			"config and credential helpers, as docker pull uses them. --facts-out records the raw facts.",
		Example: "  strata image nginx:1.27\n" +
			"  strata image --key cosign.pub --require-signed ghcr.io/acme/app@sha256:...\n" +
			"  strata image --image-layout examples/images shopco/web:latest --format json\n" +
			"  strata image oci:build/layout:app --facts-out facts.json",
		Args: cobra.MinimumNArgs(1),
		RunE: runOptions(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func (o *imageOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Format, "format", "table", "output format: "+formatNames())
	fs.StringVarP(&o.Output, "output", "o", "", "write the report to this file instead of stdout")
	fs.StringVar(&o.FailOn, "fail-on", "none", "exit 1 when a finding is at or above this severity: critical, high, medium, low, info, none")
	fs.StringVar(&o.FactsOut, "facts-out", "", "write the analysed image facts as JSON to this file (- for stdout, instead of the report)")
	fs.StringVar(&o.ConfigFile, "config", "", "config file whose images section gives defaults (see examples/strata.yaml)")
	fs.BoolVar(&o.NoColor, "no-color", false, "never colour the table output")
	o.images.addFetchFlags(fs)
	o.images.addPolicyFlags(fs)
}

// Complete loads the registry, framework data and config file.
func (o *imageOptions) Complete(cmd *cobra.Command, args []string) error {
	o.Refs, o.now = args, time.Now()
	var err error
	if o.reg, err = checks.Registry(); err != nil {
		return fmt.Errorf("load checks: %w", err)
	}
	if o.fw, err = framework.Load(); err != nil {
		return fmt.Errorf("load framework data: %w", err)
	}
	if o.ConfigFile != "" {
		if o.cfg, err = config.Load(o.ConfigFile); err != nil {
			return usageErrorf("%v", err)
		}
		if o.cfg.FailOn != "" && !cmd.Flags().Changed("fail-on") {
			o.FailOn = o.cfg.FailOn
		}
	}
	o.images.complete(cmd.Flags(), o.cfg)
	return nil
}

// Validate checks the flags and selects the checks that read images; those that join images
// with workloads judge each image on its own here, as no workload runs it.
func (o *imageOptions) Validate() error {
	if _, err := lookupFormat(o.Format); err != nil {
		return err
	}
	failOn, err := parseFailOn(o.FailOn)
	if err != nil {
		return err
	}
	o.failOn = failOn
	if err := o.images.validate(); err != nil {
		return err
	}
	o.checks = imageChecks(o.reg)
	return nil
}

// imageChecks are the checks that read Image facts. Those that also read workloads judge an
// image no workload runs on its own (a root USER nothing overrides).
func imageChecks(reg *check.Registry) []check.Check {
	var out []check.Check
	for _, c := range reg.All() {
		if slices.Contains(c.Inputs(), imagefacts.Kind) {
			out = append(out, c)
		}
	}
	return out
}

// Run analyses the images, evaluates them and writes the report (or the facts).
func (o *imageOptions) Run(ctx context.Context) error {
	setup, err := o.images.analyzer(ctx)
	if err != nil {
		return err
	}
	defer setup.close()
	facts := setup.analyzer.AnalyzeAll(ctx, o.Refs)
	fmt.Fprintln(o.streams.ErrOut, imageSummary(facts, setup.analyzer.Stats()))
	if setup.dbNote != "" {
		fmt.Fprintln(o.streams.ErrOut, setup.dbNote)
	}
	for _, f := range facts {
		if f.Error != "" {
			fmt.Fprintf(o.streams.ErrOut, "%s: %s\n", f.Name, f.Error)
		}
	}
	if o.FactsOut != "" {
		if err := writeImageFacts(o.streams, o.FactsOut, facts); err != nil {
			return err
		}
		if o.FactsOut == "-" && o.Output == "" {
			return imageStatus(facts) // the facts replace the report on stdout
		}
	}
	frameworks := o.fw.Map()
	inv := imageIndex(facts)
	p, err := engine.Evaluate(ctx, inv, engine.Options{
		Checks:      o.checks,
		Env:         check.Env{Images: o.images.imagePolicy()},
		Frameworks:  frameworks,
		KnownChecks: o.knownCheck,
		Now:         o.now,
	})
	if err != nil {
		return err
	}
	r := report.New(p, report.Meta{
		ToolVersion:   Version(),
		GeneratedAt:   o.now,
		Sources:       o.Refs,
		Objects:       len(facts),
		Frameworks:    frameworks,
		FrameworkDefs: o.fw.Frameworks(),
		Datasets:      imageDatasets(facts),
	})
	out := reportOutput{streams: o.streams, Format: o.Format, Output: o.Output, NoColor: o.NoColor, FailOn: o.failOn}
	if err := out.write(r); err != nil {
		return err
	}
	if err := out.status(p); err != nil {
		return err
	}
	return imageStatus(facts)
}

// imageStatus is exit 2 when an image could not be analysed: its checks were not assessed,
// and a green exit would read as a clean image.
func imageStatus(facts []*imagefacts.Facts) error {
	var failed []string
	for _, f := range facts {
		if f.Error != "" {
			failed = append(failed, f.Name)
		}
	}
	if len(failed) > 0 {
		return &exitError{code: ExitUsage, err: fmt.Errorf("%d image(s) could not be analysed (%s); their checks are not assessed", len(failed), joinFew(failed))}
	}
	return nil
}

// joinFew lists up to three names.
func joinFew(names []string) string {
	if len(names) > 3 {
		return fmt.Sprintf("%s, %s, %s and %d more", names[0], names[1], names[2], len(names)-3)
	}
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

// imageDatasets names the vulnerability databases the facts were matched against, with
// their import dates, besides the Kubernetes dataset every report names.
func imageDatasets(facts []*imagefacts.Facts) []report.Dataset {
	out := datasets()
	seen := map[string]bool{}
	for _, f := range facts {
		if f.VulnDB == nil || seen[f.VulnDB.Name] {
			continue
		}
		seen[f.VulnDB.Name] = true
		out = append(out, report.Dataset{Name: f.VulnDB.Name, Date: f.VulnDB.Date.Time})
	}
	return out
}

// writeImageFacts writes facts as a JSON list to path ("-" for stdout).
func writeImageFacts(streams IOStreams, path string, facts []*imagefacts.Facts) error {
	data, err := json.MarshalIndent(facts, "", "  ")
	if err != nil {
		return fmt.Errorf("encode image facts: %w", err)
	}
	data = append(data, '\n')
	if path == "-" {
		_, err := streams.Out.Write(data)
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return usageErrorf("write image facts: %v", err)
	}
	return nil
}

func (o *imageOptions) knownCheck(name string) (string, bool) {
	c, ok := o.reg.Lookup(name)
	if !ok {
		return "", false
	}
	return c.Metadata().ID, true
}
