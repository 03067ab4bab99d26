package engine

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
)

// Annotations that exempt one object from named checks. The reason is required: an exemption
// nobody can explain is not an accepted risk.
const (
	AnnotationExempt       = "strata.dev/exempt"
	AnnotationExemptReason = "strata.dev/exempt-reason"
)

// Exemption is a config-file rule: the checks it covers and the objects it matches, by glob
// patterns (path.Match syntax) on namespace, name and kind. Empty pattern lists match anything.
type Exemption struct {
	posture.Exemption
	Namespaces []string
	Names      []string
	Kinds      []string
}

func (e *Exemption) matches(id string, o *check.Object) bool {
	return contains(e.Checks, id) && globAny(e.Namespaces, o.Ref.Namespace) &&
		globAny(e.Names, o.Ref.Name) && globAny(e.Kinds, o.Ref.Kind)
}

func globAny(patterns []string, s string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if ok, _ := path.Match(p, s); ok {
			return true
		}
	}
	return false
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

type exemptions struct {
	opts   Options
	p      *posture.Posture
	config []*Exemption
	// byObject caches the annotation exemption of each object (nil when it has none).
	byObject map[*check.Object]*posture.Exemption
	order    []*posture.Exemption
}

func newExemptions(opts Options, p *posture.Posture) *exemptions {
	ex := &exemptions{opts: opts, p: p, byObject: map[*check.Object]*posture.Exemption{}}
	for _, e := range opts.Exemptions {
		e.Expired = Expired(e.Expires, opts.Now)
		ex.config = append(ex.config, e)
		ex.order = append(ex.order, &e.Exemption)
	}
	return ex
}

// match returns the exemption that suppresses check id on o, or nil.
func (ex *exemptions) match(id string, o *check.Object) *posture.Exemption {
	if a := ex.annotation(o); a != nil && contains(a.Checks, id) {
		return a
	}
	for _, e := range ex.config {
		if !e.Expired && e.matches(id, o) {
			return &e.Exemption
		}
	}
	return nil
}

// annotation parses o's exemption annotations once. Problems become input errors that point at
// the object, and a malformed exemption does not apply.
func (ex *exemptions) annotation(o *check.Object) *posture.Exemption {
	if e, done := ex.byObject[o]; done {
		return e
	}
	e, bad := parseAnnotation(o, ex.resolve)
	ex.byObject[o] = e
	if bad != nil {
		ex.p.Errors = append(ex.p.Errors, *bad)
	}
	if e != nil {
		ex.order = append(ex.order, e)
	}
	return e
}

// parseAnnotation reads o's exemption annotations: the exemption they declare, nil when there
// is none, or the input error that kept a malformed one from applying.
func parseAnnotation(o *check.Object, resolve func(string) (string, bool)) (*posture.Exemption, *posture.InputError) {
	if o.Meta == nil {
		return nil, nil
	}
	ann := o.Meta.GetAnnotations()
	names, ok := ann[AnnotationExempt]
	if !ok {
		return nil, nil
	}
	loc := o.LocationOf("/metadata/annotations/" + strings.ReplaceAll(AnnotationExempt, "/", "~1"))
	fail := func(format string, args ...any) (*posture.Exemption, *posture.InputError) {
		return nil, &posture.InputError{File: loc.File, Line: loc.Line,
			Message: fmt.Sprintf("%s: %s", o.Ref, fmt.Sprintf(format, args...))}
	}
	reason := strings.TrimSpace(ann[AnnotationExemptReason])
	if reason == "" {
		return fail("annotation %s needs %s; exemption not applied", AnnotationExempt, AnnotationExemptReason)
	}
	e := &posture.Exemption{Reason: reason, Source: "annotation on " + o.Ref.String()}
	for _, n := range strings.Split(names, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		id, ok := resolve(n)
		if !ok {
			return fail("annotation %s names unknown check %q; exemption not applied", AnnotationExempt, n)
		}
		e.Checks = append(e.Checks, id)
	}
	return e, nil
}

func (ex *exemptions) resolve(name string) (string, bool) {
	if ex.opts.KnownChecks != nil {
		return ex.opts.KnownChecks(name)
	}
	for _, c := range ex.opts.Checks {
		if m := c.Metadata(); m.ID == name || m.Slug == name {
			return m.ID, true
		}
	}
	return "", false
}

func (ex *exemptions) all() []*posture.Exemption { return ex.order }

// Expired reports whether an exemption with this expiry no longer applies at now.
func Expired(expires *time.Time, now time.Time) bool {
	return expires != nil && !now.Before(*expires)
}
