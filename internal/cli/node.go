package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks"
	"github.com/strata-sec/strata/internal/engine"
	"github.com/strata-sec/strata/internal/framework"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/nodefacts"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/report"
)

type nodeOptions struct {
	streams  IOStreams
	Root     string
	FactsOut string
	Facts    string
	Format   string
	Output   string
	FailOn   string
	NoColor  bool
	Interval time.Duration

	// Set by Complete and Validate.
	reg    *check.Registry
	fw     *framework.Index
	checks []check.Check
	failOn check.Severity
	now    time.Time
}

func newNodeCommand(streams IOStreams) *cobra.Command {
	o := &nodeOptions{streams: streams}
	cmd := &cobra.Command{
		Use:   "node",
		Short: "Collect this node's facts (kubelet, control plane, files, kernel, ports, sshd) and check them",
		Long: "Collect the facts of the node whose filesystem is at --root (the host's / by default, or a\n" +
			"mounted copy of it) — kubelet flags and configuration, control-plane static pods, modes and\n" +
			"owners of the files the CIS Kubernetes Benchmark names, kernel, sysctls, listening sockets,\n" +
			"sshd and Localhost seccomp profiles — and evaluate the node, kernel and cluster checks that\n" +
			"read them. --facts-out records the facts as JSON; --facts evaluates a recorded file instead\n" +
			"of collecting. The facts format is documented in docs/node-facts.md.",
		Example: "  sudo strata node\n  strata node --root /host --facts-out node.json --format json -o report.json\n" +
			"  strata node --facts node.json --fail-on high",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Complete(cmd); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func (o *nodeOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Root, "root", "/", "directory holding the node's filesystem (/ for this host)")
	fs.StringVar(&o.FactsOut, "facts-out", "", "write the collected facts as JSON to this file")
	fs.StringVar(&o.Facts, "facts", "", "evaluate facts recorded with --facts-out (- for stdin) instead of collecting")
	fs.StringVar(&o.Format, "format", "table", "output format: "+formatNames())
	fs.StringVarP(&o.Output, "output", "o", "", "write the report to this file instead of stdout")
	fs.StringVar(&o.FailOn, "fail-on", "none", "exit 1 when a finding is at or above this severity: critical, high, medium, low, info, none")
	fs.BoolVar(&o.NoColor, "no-color", false, "never colour the table output")
	fs.DurationVar(&o.Interval, "interval", 0, "collect and report again at this interval until interrupted, as the node agent DaemonSet does (0: once)")
}

// Complete loads the registry and framework data; --root and --facts exclude each other.
func (o *nodeOptions) Complete(cmd *cobra.Command) error {
	o.now = time.Now()
	if o.Facts != "" && cmd.Flags().Changed("root") {
		return usageErrorf("--facts and --root exclude each other: recorded facts carry their root")
	}
	if o.Facts != "" && o.FactsOut != "" {
		return usageErrorf("--facts-out records collected facts; it cannot be used with --facts")
	}
	if o.Interval < 0 || (o.Interval > 0 && o.Interval < time.Minute) {
		return usageErrorf("--interval %s: want 0 (once) or at least 1m", o.Interval)
	}
	if o.Interval > 0 && o.Facts != "" {
		return usageErrorf("--interval repeats a collection; recorded --facts do not change")
	}
	var err error
	if o.reg, err = checks.Registry(); err != nil {
		return fmt.Errorf("load checks: %w", err)
	}
	if o.fw, err = framework.Load(); err != nil {
		return fmt.Errorf("load framework data: %w", err)
	}
	return nil
}

// Validate checks the flags and selects the checks that read node facts.
func (o *nodeOptions) Validate() error {
	if _, err := lookupFormat(o.Format); err != nil {
		return err
	}
	failOn, err := parseFailOn(o.FailOn)
	if err != nil {
		return err
	}
	o.failOn = failOn
	for _, c := range o.reg.All() {
		if slices.Contains(c.Inputs(), nodefacts.Kind) || readsOnlyControlPlanePods(c) {
			o.checks = append(o.checks, c)
		}
	}
	return nil
}

// readsOnlyControlPlanePods reports whether c is a control-plane flag check: a cluster-layer
// check that reads Pods and nothing else. On a node, the static pods the facts record stand in
// for the mirror pods a cluster scan reads, so CIS 1.2-2.x are assessed by `strata node` too.
func readsOnlyControlPlanePods(c check.Check) bool {
	in := c.Inputs()
	return c.Metadata().Layer == check.LayerCluster && len(in) == 1 && in[0] == (schema.GroupKind{Kind: "Pod"})
}

// staticPods turns the control-plane components the facts record (static pod manifests or
// running processes) into the kube-system Pods the control-plane checks read.
func staticPods(f *nodefacts.Facts) []*check.Object {
	var out []*check.Object
	for _, name := range slices.Sorted(maps.Keys(f.ControlPlane.Components)) {
		comp := f.ControlPlane.Components[name]
		if len(comp.Command) == 0 && len(comp.Args) == 0 {
			continue
		}
		pod := &corev1.Pod{
			TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
			ObjectMeta: metav1.ObjectMeta{Name: name + "-" + f.Hostname, Namespace: "kube-system",
				Labels: map[string]string{"component": name, "tier": "control-plane"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: name, Command: comp.Command, Args: comp.Args}}},
		}
		out = append(out, &check.Object{Obj: pod, Meta: &pod.ObjectMeta,
			Ref: check.Ref{APIVersion: "v1", Kind: "Pod", Namespace: "kube-system", Name: pod.Name}})
	}
	return out
}

// Run collects or reads the facts, evaluates them and writes the report; with --interval it does
// so again at every interval until ctx ends. A repeated run never exits on findings or on a
// failed collection (a DaemonSet container that exits is restarted in a loop): it reports the
// outcome of each run on stderr and goes on.
func (o *nodeOptions) Run(ctx context.Context) error {
	if o.Interval == 0 {
		return o.runOnce(ctx)
	}
	for {
		o.now = time.Now()
		err := o.runOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var ee *exitError
		switch {
		case err == nil:
			fmt.Fprintf(o.streams.ErrOut, "strata node: %s: reported, nothing at or above --fail-on\n", o.now.UTC().Format(time.RFC3339))
		case errors.As(err, &ee) && ee.code == ExitFindings:
			fmt.Fprintf(o.streams.ErrOut, "strata node: %s: reported, findings at or above --fail-on\n", o.now.UTC().Format(time.RFC3339))
		default:
			fmt.Fprintf(o.streams.ErrOut, "strata node: %s: %v\n", o.now.UTC().Format(time.RFC3339), err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(o.Interval):
		}
	}
}

func (o *nodeOptions) runOnce(ctx context.Context) error {
	f, _, inputErrs, err := o.facts(ctx)
	if err != nil {
		return err
	}
	obj := &check.Object{
		Ref:  check.Ref{APIVersion: nodefacts.APIVersion, Kind: nodefacts.KindName, Name: f.Name},
		Obj:  f,
		Meta: &f.ObjectMeta,
		// No source location: a finding is about a file or setting on the node, which its
		// message names, not about a line of the recorded facts; collected and replayed facts
		// give the same report.
	}
	frameworks := o.fw.Map()
	objs := append([]*check.Object{obj}, staticPods(f)...)
	p, err := engine.Evaluate(ctx, inventory.NewIndex(objs), engine.Options{
		Checks:      o.checks,
		Frameworks:  frameworks,
		KnownChecks: o.knownCheck,
		Now:         o.now,
	})
	if err != nil {
		return err
	}
	p.Errors = append(inputErrs, p.Errors...)
	r := report.New(p, report.Meta{
		ToolVersion:   Version(),
		GeneratedAt:   o.now,
		Sources:       []string{fmt.Sprintf("node %s (root %s)", f.Hostname, f.Root)},
		Objects:       len(objs),
		Frameworks:    frameworks,
		FrameworkDefs: o.fw.Frameworks(),
		Datasets:      datasets(),
	})
	out := reportOutput{streams: o.streams, Format: o.Format, Output: o.Output, NoColor: o.NoColor, FailOn: o.failOn}
	if err := out.write(r); err != nil {
		return err
	}
	return out.status(p)
}

// facts collects (and records, with --facts-out) or reads the node's facts. Things present
// but unreadable during a collection are input errors: reported, then exit 2.
func (o *nodeOptions) facts(ctx context.Context) (*nodefacts.Facts, string, []posture.InputError, error) {
	if o.Facts != "" {
		f, err := o.readFacts()
		return f, o.Facts, nil, err
	}
	start := time.Now()
	f, errs := nodefacts.Collect(o.Root, nodefacts.Options{Now: o.now})
	if f == nil {
		return nil, "", nil, usageErrorf("collect node facts: %v", errs[0])
	}
	logger(ctx).Debug("node facts collected", "root", o.Root, "host", f.Hostname, "errors", len(errs), "took", time.Since(start))
	var inputErrs []posture.InputError
	for _, e := range errs {
		inputErrs = append(inputErrs, posture.InputError{Message: e.Error()})
	}
	if o.FactsOut != "" {
		if err := writeFacts(o.FactsOut, f); err != nil {
			return nil, "", nil, err
		}
	}
	return f, "", inputErrs, nil
}

func (o *nodeOptions) readFacts() (*nodefacts.Facts, error) {
	var r io.Reader = o.streams.In
	if o.Facts != "-" {
		file, err := os.Open(o.Facts)
		if err != nil {
			return nil, usageErrorf("read facts: %v", err)
		}
		defer file.Close()
		r = file
	}
	f, err := nodefacts.Decode(r, nodefacts.MaxRecordBytes)
	if err != nil {
		return nil, usageErrorf("read facts %s: %v", o.Facts, err)
	}
	return f, nil
}

func writeFacts(path string, f *nodefacts.Facts) error {
	file, err := os.Create(path)
	if err != nil {
		return usageErrorf("write facts: %v", err)
	}
	if err := nodefacts.Encode(file, f); err != nil {
		file.Close()
		return fmt.Errorf("write facts %s: %w", path, err)
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("write facts %s: %w", path, err)
	}
	return nil
}

func (o *nodeOptions) knownCheck(name string) (string, bool) {
	c, ok := o.reg.Lookup(name)
	if !ok {
		return "", false
	}
	return c.Metadata().ID, true
}
