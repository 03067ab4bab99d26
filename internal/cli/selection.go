package cli

import (
	"strings"

	"github.com/spf13/pflag"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/strata-sec/strata/internal/check"
)

// selectionFlags are the flags that choose which checks run, shared by scan and checks list.
type selectionFlags struct {
	Checks      []string
	Skip        []string
	Layers      []string
	MinSeverity string
}

func (f *selectionFlags) AddFlags(fs *pflag.FlagSet) {
	fs.StringSliceVar(&f.Checks, "checks", nil, "run only these checks (IDs or slugs, comma-separated)")
	fs.StringSliceVar(&f.Skip, "skip", nil, "do not run these checks (IDs or slugs, comma-separated)")
	fs.StringSliceVar(&f.Layers, "layer", nil, "run only checks of these layers: kernel, container, workload, network, node, cluster")
	fs.StringVar(&f.MinSeverity, "min-severity", "info", "run only checks of at least this severity: critical, high, medium, low, info")
}

// resolve turns the flags into a check list; unknown names are usage errors.
func (f *selectionFlags) resolve(reg *check.Registry) ([]check.Check, error) {
	sel := check.Selection{Include: splitAll(f.Checks), Skip: splitAll(f.Skip)}
	for _, l := range splitAll(f.Layers) {
		layer, err := check.ParseLayer(l)
		if err != nil {
			return nil, usageErrorf("--layer: %v", err)
		}
		sel.Layers = append(sel.Layers, layer)
	}
	sev, err := check.ParseSeverity(f.MinSeverity)
	if err != nil {
		return nil, usageErrorf("--min-severity: %v", err)
	}
	sel.MinSeverity = sev
	checks, err := reg.Select(sel)
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	if len(checks) == 0 {
		return nil, usageErrorf("the selection (--checks, --skip, --layer, --min-severity) leaves no check to run")
	}
	return checks, nil
}

func splitAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// parsePSSVersion accepts "latest" or "v1.N" (the "v" is optional).
func parsePSSVersion(s string) (psaapi.Version, error) {
	s = strings.TrimSpace(s)
	if s != "latest" && !strings.HasPrefix(s, "v") {
		s = "v" + s
	}
	v, err := psaapi.ParseVersion(s)
	if err != nil {
		return psaapi.Version{}, usageErrorf("--pss-version: %q is not \"latest\" or v1.N", s)
	}
	return v, nil
}
