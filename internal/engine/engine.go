package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/redact"
)

// Inventory is what the engine evaluates: the check.Inventory checks read plus every object in
// a stable order.
type Inventory interface {
	check.Inventory
	Objects() []*check.Object
}

// Options configures one evaluation.
type Options struct {
	Checks []check.Check
	Env    check.Env
	// Frameworks maps a check ID to the framework controls it implements.
	Frameworks map[string][]posture.FrameworkRef
	// Exemptions from the config file; object annotations are read by the engine itself.
	Exemptions []*Exemption
	// KnownChecks resolves check names in annotations (IDs or slugs); nil accepts only the
	// IDs of Checks.
	KnownChecks func(name string) (id string, ok bool)
	// Now decides which exemptions have expired.
	Now time.Time
}

// tally accumulates one check's coverage.
type tally struct {
	evaluated, failed int
	errs              []string
	// notAssessed is the reason a check gave for objects it could not assess.
	notAssessed string
}

type run struct {
	opts    Options
	inv     Inventory
	p       *posture.Posture
	tallies map[string]*tally
	ex      *exemptions
	// redacted caches redact.String per distinct message: checks repeat the same message on
	// many objects, and redaction is the costliest step of building a finding.
	redacted map[string]string
	// paths interns the findings' field paths.
	paths map[string]string
}

// Evaluate runs every selected check over inv. It stops early, with what it has, when ctx is
// cancelled; the returned error says so.
func Evaluate(ctx context.Context, inv Inventory, opts Options) (*posture.Posture, error) {
	r := &run{opts: opts, inv: inv, p: &posture.Posture{}, tallies: map[string]*tally{}, redacted: map[string]string{},
		paths: map[string]string{}}
	r.ex = newExemptions(opts, r.p)
	var workloads []check.Check
	var objects []check.ObjectEvaluator
	var clusters []*check.ClusterCheck
	for _, c := range opts.Checks {
		r.p.Checks = append(r.p.Checks, c.Metadata())
		r.tallies[c.Metadata().ID] = &tally{}
		switch k := c.(type) {
		case *check.WorkloadCheck:
			workloads = append(workloads, k)
		case *check.ClusterCheck:
			clusters = append(clusters, k)
		case check.ObjectEvaluator:
			objects = append(objects, k)
		}
	}
	for i, o := range inv.Objects() {
		if i%256 == 0 && ctx.Err() != nil {
			return r.finish(), fmt.Errorf("evaluation interrupted: %w", ctx.Err())
		}
		r.evalObject(o, workloads, objects)
	}
	for _, c := range clusters {
		r.evalCluster(c)
	}
	return r.finish(), nil
}

func (r *run) evalObject(o *check.Object, workloads []check.Check, objects []check.ObjectEvaluator) {
	skip := len(workloads) == 0 || check.ControlledByWorkload(r.inv, o)
	evalObjectChecks(&r.opts.Env, o, skip, workloads, objects, func(c check.Check, vs []check.Violation, err error) {
		r.record(c, o, vs, err)
	})
}

// evalObjectChecks runs the workload checks (unless skipWorkloads) and the object checks on o
// and passes each result that counts to emit: every workload check when o embeds a pod spec,
// and the object checks that apply to o or failed.
func evalObjectChecks(env *check.Env, o *check.Object, skipWorkloads bool, workloads []check.Check, objects []check.ObjectEvaluator,
	emit func(c check.Check, vs []check.Violation, err error)) {
	if !skipWorkloads {
		if t, ok := podspec.Extract(o.Obj); ok {
			w := &check.Workload{Object: o, Meta: t.Meta, Spec: t.Spec, Path: t.Path}
			for _, c := range workloads {
				wc := c.(*check.WorkloadCheck)
				vs, err := safely(func() ([]check.Violation, error) { return wc.Run(env, w) })
				emit(c, vs, err)
			}
		}
	}
	for _, c := range objects {
		var applies bool
		vs, err := safely(func() (vs []check.Violation, err error) {
			applies, vs, err = c.EvaluateObject(env, o)
			return vs, err
		})
		if applies || err != nil {
			emit(c, vs, err)
		}
	}
}

// controllerOf returns the kind, namespace and name of o's controller, from its controller
// ownerReference.
func controllerOf(o *check.Object) (metav1.OwnerReference, schema.GroupKind, bool) {
	if o.Meta == nil {
		return metav1.OwnerReference{}, schema.GroupKind{}, false
	}
	ref := metav1.GetControllerOf(o.Meta)
	if ref == nil {
		return metav1.OwnerReference{}, schema.GroupKind{}, false
	}
	return *ref, schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind).GroupKind(), true
}

func (r *run) evalCluster(c *check.ClusterCheck) {
	t := r.tallies[c.ID]
	if denied := deniedReads(r.inv, c); denied != "" {
		r.p.Coverage = append(r.p.Coverage, posture.Coverage{CheckID: c.ID, Status: posture.StatusNotAssessed, Reason: denied})
		return
	}
	ovs, err := safely(func() ([]check.ObjectViolation, error) { return c.Run(&r.opts.Env, r.inv) })
	if reason, ok := check.NotAssessedReason(err); ok {
		t.notAssessed = reason
		return
	}
	t.evaluated++
	if err != nil {
		t.errs = append(t.errs, err.Error())
	}
	failed := map[*check.Object]bool{}
	for _, ov := range ovs {
		if r.addFinding(c, ov.Object, ov.Violation) {
			failed[ov.Object] = true
		}
	}
	t.failed += len(failed)
}

// deniedReads says why c cannot run when one of the kinds it reads cannot be read.
func deniedReads(inv check.Inventory, c *check.ClusterCheck) string {
	for _, gk := range c.Reads {
		if ok, reason := inv.Assessable(gk); !ok {
			return fmt.Sprintf("cannot read %s: %s", kindName(gk), reason)
		}
	}
	return ""
}

// record adds one object's result for one check.
func (r *run) record(c check.Check, o *check.Object, vs []check.Violation, err error) {
	t := r.tallies[c.Metadata().ID]
	if reason, ok := check.NotAssessedReason(err); ok {
		t.notAssessed = reason
		return
	}
	t.evaluated++
	if err != nil {
		t.errs = append(t.errs, fmt.Sprintf("%s: %v", o.Ref, err))
	}
	failed := false
	for _, v := range vs {
		if r.addFinding(c, o, v) {
			failed = true
		}
	}
	if failed {
		t.failed++
	}
}

// addFinding turns a violation into a finding, suppressed when an exemption applies. It reports
// whether the finding counts as a failure.
func (r *run) addFinding(c check.Check, o *check.Object, v check.Violation) bool {
	f := newFinding(c.Metadata(), o, v, r.redact(v.Message), r.opts.Frameworks, r.paths)
	if e := r.ex.match(f.Check.ID, o); e != nil {
		e.Used++
		f.Exemption = e
		r.p.Suppressed = append(r.p.Suppressed, f)
		return false
	}
	r.p.Findings = append(r.p.Findings, f)
	return true
}

// newFinding builds the finding for violation v of the check m by o; msg is v's message,
// redacted. paths interns field paths: a large cluster has hundreds of thousands of findings
// on a few hundred distinct paths.
func newFinding(m *check.Meta, o *check.Object, v check.Violation, msg string, fw map[string][]posture.FrameworkRef, paths map[string]string) *posture.Finding {
	sev := m.Severity
	if v.Severity.Valid() {
		sev = v.Severity
	}
	path := pathString(v)
	if p, ok := paths[path]; ok {
		path = p
	} else {
		paths[path] = path
	}
	loc := o.Source
	if o.Positions != nil && loc.File != "" {
		// Only a source with positions places a field; for any other, the pointer would be
		// built for nothing.
		loc = o.LocationOf(check.Pointer(v.Path))
	}
	return &posture.Finding{
		Check:      m,
		Severity:   sev,
		Object:     o.Ref,
		Path:       path,
		Message:    msg,
		Fix:        v.Fix,
		Location:   loc,
		Frameworks: fw[m.ID],
	}
}

func (r *run) redact(msg string) string {
	out, ok := r.redacted[msg]
	if !ok {
		out = redact.String(msg)
		r.redacted[msg] = out
	}
	return out
}

func pathString(v check.Violation) string {
	if v.Path == nil {
		return ""
	}
	return v.Path.String()
}

func (r *run) finish() *posture.Posture {
	have := map[string]bool{}
	for _, c := range r.p.Coverage {
		have[c.CheckID] = true
	}
	for _, c := range r.opts.Checks {
		m := c.Metadata()
		if have[m.ID] {
			continue
		}
		r.p.Coverage = append(r.p.Coverage, coverageOf(r.inv, c, r.tallies[m.ID]))
	}
	r.p.Exemptions = r.ex.all()
	r.p.Sort()
	return r.p
}

// coverageOf turns a check's tally into its coverage.
func coverageOf(inv check.Inventory, c check.Check, t *tally) posture.Coverage {
	m := c.Metadata()
	cov := posture.Coverage{CheckID: m.ID, Evaluated: t.evaluated, Failed: t.failed, Errors: t.errs}
	switch {
	case len(t.errs) > 0:
		cov.Status = posture.StatusError
		cov.Reason = fmt.Sprintf("%d internal error(s)", len(t.errs))
	case t.failed > 0:
		cov.Status = posture.StatusFail
	case t.evaluated > 0 && deniedInput(inv, c) != "":
		// Nothing failed in what could be read, but part of the input could not be: that
		// is not a pass.
		cov.Status = posture.StatusNotAssessed
		cov.Reason = fmt.Sprintf("partly assessed (%d objects, no findings); %s", t.evaluated, deniedInput(inv, c))
	case t.evaluated > 0 && t.notAssessed != "":
		// Some objects were judged clean, others could not be judged at all (an image that
		// could not be fetched): the check has not passed.
		cov.Status = posture.StatusNotAssessed
		cov.Reason = fmt.Sprintf("partly assessed (%d objects, no findings); others not assessed: %s", t.evaluated, t.notAssessed)
	case t.evaluated == 0 && t.notAssessed != "":
		cov.Status = posture.StatusNotAssessed
		cov.Reason = t.notAssessed
	case t.evaluated == 0:
		cov.Status = posture.StatusNotAssessed
		cov.Reason = notAssessedReason(inv, c)
	default:
		cov.Status = posture.StatusPass
	}
	return cov
}

// deniedInput names the first input kind of c the inventory could not read, with the reason.
func deniedInput(inv check.Inventory, c check.Check) string {
	for _, gk := range c.Inputs() {
		if ok, reason := inv.Assessable(gk); !ok {
			return fmt.Sprintf("cannot read %s: %s", kindName(gk), reason)
		}
	}
	return ""
}

func notAssessedReason(inv check.Inventory, c check.Check) string {
	if denied := deniedInput(inv, c); denied != "" {
		return denied
	}
	var names []string
	for _, gk := range c.Inputs() {
		names = append(names, kindName(gk))
	}
	return "no " + strings.Join(names, ", ") + " in the input"
}

func kindName(gk schema.GroupKind) string {
	if gk.Group == "" {
		return gk.Kind
	}
	return gk.Kind + "." + gk.Group
}

// safely runs a check and turns a panic into an error: a check must never panic, and if one
// does, its result is an error for that object, never a pass and never a crashed scan.
func safely[T any](fn func() (T, error)) (out T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("check panicked: %v", p)
		}
	}()
	return fn()
}
