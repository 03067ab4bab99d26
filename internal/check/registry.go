package check

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Registry is the validated set of checks strata knows. It is built as a value from the layer
// packages' Checks() lists, never filled by init().
type Registry struct {
	checks []Check
	byName map[string]Check
}

// NewRegistry validates every check (metadata, unique IDs and slugs, a Run function) and returns
// the registry in ID order.
func NewRegistry(lists ...[]Check) (*Registry, error) {
	r := &Registry{byName: map[string]Check{}}
	var errs []error
	for _, list := range lists {
		for _, c := range list {
			m := c.Metadata()
			if err := m.Validate(); err != nil {
				errs = append(errs, err)
			}
			if err := validateKind(c); err != nil {
				errs = append(errs, fmt.Errorf("check %s: %w", m.ID, err))
			}
			for _, key := range []string{m.ID, m.Slug} {
				if prev, dup := r.byName[key]; dup {
					errs = append(errs, fmt.Errorf("check %s: %q already used by %s", m.ID, key, prev.Metadata().ID))
					continue
				}
				r.byName[key] = c
			}
			r.checks = append(r.checks, c)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	sort.Slice(r.checks, func(i, j int) bool { return r.checks[i].Metadata().ID < r.checks[j].Metadata().ID })
	return r, nil
}

func validateKind(c Check) error {
	switch k := c.(type) {
	case *WorkloadCheck:
		if k.Run == nil {
			return errors.New("workload check without Run")
		}
	case *ClusterCheck:
		if k.Run == nil || len(k.Reads) == 0 {
			return errors.New("cluster check needs Run and Reads")
		}
	case ObjectEvaluator:
		if len(k.Inputs()) != 1 || k.Inputs()[0].Kind == "" {
			return errors.New("object check without Kind")
		}
	default:
		return fmt.Errorf("unknown check kind %T", c)
	}
	return nil
}

// All returns every check in ID order.
func (r *Registry) All() []Check { return append([]Check(nil), r.checks...) }

// Lookup finds a check by ID or slug.
func (r *Registry) Lookup(name string) (Check, bool) {
	c, ok := r.byName[strings.TrimSpace(name)]
	if !ok {
		c, ok = r.byName[strings.ToUpper(strings.TrimSpace(name))]
	}
	return c, ok
}

// Selection narrows the registry. Empty fields select everything.
type Selection struct {
	Include     []string // IDs or slugs
	Skip        []string // IDs or slugs
	Layers      []Layer
	MinSeverity Severity
}

// Select returns the checks a selection names, in ID order. An unknown ID or slug is an error,
// never an empty selection.
func (r *Registry) Select(s Selection) ([]Check, error) {
	resolve := func(names []string) (map[string]bool, error) {
		out := map[string]bool{}
		var unknown []string
		for _, n := range names {
			c, ok := r.Lookup(n)
			if !ok {
				unknown = append(unknown, n)
				continue
			}
			out[c.Metadata().ID] = true
		}
		if len(unknown) > 0 {
			return nil, fmt.Errorf("unknown check %s (see 'strata checks list')", strings.Join(quoteAll(unknown), ", "))
		}
		return out, nil
	}
	include, err := resolve(s.Include)
	if err != nil {
		return nil, err
	}
	skip, err := resolve(s.Skip)
	if err != nil {
		return nil, err
	}
	layers := map[Layer]bool{}
	for _, l := range s.Layers {
		layers[l] = true
	}
	var out []Check
	for _, c := range r.checks {
		m := c.Metadata()
		switch {
		case len(include) > 0 && !include[m.ID], skip[m.ID],
			len(layers) > 0 && !layers[m.Layer], m.Severity < s.MinSeverity:
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// InputsOf is the union of the kinds checks read, in first-seen order: what a live source
// lists or watches, and what strata's ClusterRole grants.
func InputsOf(checks []Check) []schema.GroupKind {
	var kinds []schema.GroupKind
	for _, c := range checks {
		for _, gk := range c.Inputs() {
			if !slices.Contains(kinds, gk) {
				kinds = append(kinds, gk)
			}
		}
	}
	return kinds
}
