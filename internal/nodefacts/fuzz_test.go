package nodefacts_test

import (
	"bytes"
	"testing"

	"github.com/strata-sec/strata/internal/nodefacts"
)

func FuzzParseSeccompProfile(f *testing.F) {
	f.Add([]byte(`{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW"},{"name":"bpf","action":"SCMP_ACT_LOG"}]}`))
	f.Add([]byte(`{"defaultAction": `))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := nodefacts.ParseSeccompProfile(b)
		if err == nil && p.DefaultAction == "" {
			t.Errorf("parsed a profile without defaultAction")
		}
		for i := 1; i < len(p.Allowed); i++ {
			if p.Allowed[i-1] >= p.Allowed[i] {
				t.Errorf("allowed syscalls not sorted and unique: %v", p.Allowed)
			}
		}
	})
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"apiVersion":"strata.dev/v1alpha1","kind":"NodeFacts","schemaVersion":"v1","hostname":"n","metadata":{}}`))
	f.Add([]byte(`{"kind":`))
	f.Fuzz(func(t *testing.T, b []byte) {
		facts, err := nodefacts.Decode(bytes.NewReader(b), 1<<16)
		if err == nil && (facts.Name == "" || facts.SchemaVersion != nodefacts.SchemaVersion) {
			t.Errorf("accepted facts without a name or with schemaVersion %q", facts.SchemaVersion)
		}
	})
}
