package node

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// factsCheck builds a check over one node's facts. Facts of another schema version than the
// one the checks are written for are an error, never read as a pass: a renamed field would
// otherwise look like a setting left at its default.
func factsCheck(m check.Meta, run func(f *nodefacts.Facts) ([]check.Violation, error)) *check.ObjectCheck[*nodefacts.Facts] {
	return &check.ObjectCheck[*nodefacts.Facts]{
		Meta: m,
		Kind: nodefacts.Kind,
		Run: func(_ *check.Env, _ *check.Object, f *nodefacts.Facts) ([]check.Violation, error) {
			if f.SchemaVersion != nodefacts.SchemaVersion {
				return nil, fmt.Errorf("node facts of %s have schema version %q, want %q", f.Name, f.SchemaVersion, nodefacts.SchemaVersion)
			}
			return run(f)
		},
	}
}

// cisReference is the CIS Kubernetes Benchmark's home page, cited by every benchmark check.
const cisReference = "https://www.cisecurity.org/benchmark/kubernetes"

// kubeletReferences are the references of the kubelet configuration checks.
var kubeletReferences = []string{
	"https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/",
	"https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/",
	cisReference,
}

// one returns a single violation at path.
func one(path *field.Path, format string, args ...any) []check.Violation {
	return []check.Violation{{Path: path, Message: fmt.Sprintf(format, args...)}}
}
