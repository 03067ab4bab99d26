package kernel

import (
	"fmt"
	"strings"

	"github.com/strata-sec/strata/internal/check"
	kvuln "github.com/strata-sec/strata/internal/vulndb/kernel"
)

// kernelCVEDataset is the dataset ST-0340 and ST-0350 match against.
func kernelCVEDataset() (*kvuln.DB, error) {
	db, err := kvuln.Embedded()
	if err != nil {
		return nil, fmt.Errorf("load kernel vulnerability dataset: %w", err)
	}
	return db, nil
}

// parseKernel parses a release for the CVE checks; a release strata cannot read means the
// node's kernel was not assessed, never that it is clean.
func parseKernel(release, osHint, procVersion string) (kvuln.Release, error) {
	if strings.TrimSpace(release) == "" {
		return kvuln.Release{}, check.NotAssessedf("no kernel release was recorded")
	}
	r, err := kvuln.ParseRelease(release, osHint, procVersion)
	if err != nil {
		return kvuln.Release{}, check.NotAssessedf("%v", err)
	}
	return r, nil
}

// cveFinding is the part of a kernel CVE message both checks share: which CVE, how sure the
// match is and why, where it is fixed, and what exploiting it takes.
func cveFinding(m kvuln.Match, r kvuln.Release) string {
	c := m.CVE
	var b strings.Builder
	fmt.Fprintf(&b, "%s: kernel %s may be affected (confidence %s: %s)", c.Label(), r.Raw, m.Confidence, m.Reason)
	switch {
	case m.Fixed != "" && c.Distro != "":
		fmt.Fprintf(&b, "; fixed in %s", m.Fixed)
	case m.Fixed != "":
		fmt.Fprintf(&b, "; fixed upstream in %s", m.Fixed)
	default:
		b.WriteString("; this series received no fix")
	}
	fmt.Fprintf(&b, ". The flaw: %s. Preconditions: %s", c.Title, strings.Join(c.Preconditions, "; "))
	return b.String()
}
