package container

import (
	"testing"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks/checktest"
	"github.com/strata-sec/strata/internal/imagefacts"
)

// fixturePolicy is the image policy the fixtures of ST-0071 and ST-0072 are evaluated with,
// as if the config file said:
//
//	images:
//	  allowedRegistries: [registry.example.com, ghcr.io/acme, docker.io/library]
//	  requireSigned: true
//
// Every other check sees the default environment, without a policy.
var fixturePolicy = check.ImagePolicy{
	AllowedRegistries: []string{"registry.example.com", "ghcr.io/acme", "docker.io/library"},
	RequireSigned:     true,
}

// withPolicy returns the checks with ST-0071 and ST-0072 bound to fixturePolicy: the fixture
// runner evaluates in the default environment, and these two checks judge nothing without a
// policy.
func withPolicy(checks []check.Check) []check.Check {
	out := make([]check.Check, 0, len(checks))
	for _, c := range checks {
		switch k := c.(type) {
		case *check.WorkloadCheck:
			if k.ID == untrustedRegistry.ID {
				cp, run := *k, k.Run
				cp.Run = func(env *check.Env, w *check.Workload) ([]check.Violation, error) {
					return run(policyEnv(env), w)
				}
				c = &cp
			}
		case *check.ObjectCheck[*imagefacts.Facts]:
			if k.ID == unsignedImage.ID {
				cp, run := *k, k.Run
				cp.Run = func(env *check.Env, o *check.Object, f *imagefacts.Facts) ([]check.Violation, error) {
					return run(policyEnv(env), o, f)
				}
				c = &cp
			}
		}
		out = append(out, c)
	}
	return out
}

func policyEnv(env *check.Env) *check.Env {
	e := *env
	e.Images = fixturePolicy
	return &e
}

func TestFixtures(t *testing.T) { checktest.Fixtures(t, withPolicy(Checks()), "testdata") }

// TestFixesResolve applies every mechanical fix to the fail fixtures and scans again.
func TestFixesResolve(t *testing.T) { checktest.FixesResolve(t, withPolicy(Checks()), "testdata") }

func TestMetadata(t *testing.T) {
	if _, err := check.NewRegistry(Checks()); err != nil {
		t.Fatal(err)
	}
	prev := ""
	for _, c := range Checks() {
		m := c.Metadata()
		if m.Layer != check.LayerContainer {
			t.Errorf("%s: layer %s, want %s", m.ID, m.Layer, check.LayerContainer)
		}
		if m.ID <= prev {
			t.Errorf("Checks() is not in ID order: %s after %s", m.ID, prev)
		}
		prev = m.ID
	}
}
