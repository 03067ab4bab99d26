package config

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	cfg, err := Parse("strata.yaml", []byte(`apiVersion: strata.dev/v1alpha1
kind: Config
failOn: high
exemptions:
- checks: [ST-0030]
  namespaces: ["batch-*"]
  reason: batch jobs are sized by the queue
  owner: data@example.com
  expires: "2026-06-30"
- checks: [no-cpu-limit]
  reason: forever
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.FailOn != "high" || len(cfg.Exemptions) != 2 {
		t.Fatalf("unexpected config %+v", cfg)
	}
	e := cfg.Exemptions[0]
	if e.Source != "strata.yaml:5" || e.Expiry == nil || !e.Expiry.Equal(time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first exemption: source %q expiry %v", e.Source, e.Expiry)
	}
	if cfg.Exemptions[1].Source != "strata.yaml:10" || cfg.Exemptions[1].Expiry != nil {
		t.Errorf("second exemption: %+v", cfg.Exemptions[1])
	}
}

func TestParseErrors(t *testing.T) {
	head := "apiVersion: strata.dev/v1alpha1\nkind: Config\n"
	for name, tc := range map[string]struct{ doc, want string }{
		"unknown field":  {head + "failon: high\n", "strata.yaml: line 3: field failon not found"},
		"wrong kind":     {"apiVersion: v1\nkind: Pod\n", "strata.yaml:1: want apiVersion strata.dev/v1alpha1"},
		"no reason":      {head + "exemptions:\n- checks: [ST-0001]\n", "strata.yaml:4: exemption 1: has no reason"},
		"no checks":      {head + "exemptions:\n- reason: x\n", "strata.yaml:4: exemption 1: names no checks"},
		"bad expiry":     {head + "exemptions:\n- checks: [a]\n  reason: x\n  expires: soon\n", `expires "soon" is not`},
		"bad pattern":    {head + "exemptions:\n- checks: [a]\n  reason: x\n  names: ['[']\n", `bad pattern "["`},
		"syntax":         {head + "exemptions: [\n", "strata.yaml: line 3: did not find expected node content"},
		"empty":          {"", "empty config file"},
		"wrong type":     {head + "exemptions: 3\n", "line 3: cannot unmarshal"},
		"second problem": {head + "exemptions:\n- checks: [a]\n  reason: x\n- checks: [b]\n", "strata.yaml:6: exemption 2"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("strata.yaml", []byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
