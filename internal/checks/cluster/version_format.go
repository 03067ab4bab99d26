package cluster

import (
	"fmt"
	"strings"

	"github.com/strata-sec/strata/internal/vulndb/k8s"
)

// cveMessage describes one matched CVE: what it is, how severe the advisory rates it, and what
// fixes it on the version's own release line.
func cveMessage(component, version string, v k8s.Vuln, db *k8s.DB) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s is affected by %s (%s", component, version, v.ID, v.Severity)
	if v.CVSS > 0 {
		fmt.Fprintf(&b, ", CVSS %.1f", v.CVSS)
	}
	fmt.Fprintf(&b, "): %s; ", v.Title)
	switch {
	case v.NoFix:
		fmt.Fprintf(&b, "no release fixes it, mitigation required: %s", v.Mitigation)
	case v.Fixed != "":
		fmt.Fprintf(&b, "fixed in %s", v.Fixed)
	default:
		fmt.Fprintf(&b, "no fix on this release line, fixed in %s", strings.Join(v.FixedIn, ", "))
	}
	if !v.Exact {
		fmt.Fprintf(&b, "; lower confidence: %s", v.Caveat)
	}
	fmt.Fprintf(&b, " (%s; dataset of %s)", v.URL, db.DateString())
	return b.String()
}

// eolMessage says that the release line of version is past its end of life.
func eolMessage(what, version string, db *k8s.DB) string {
	v, err := k8s.ParseVersion(version)
	minor := version
	if err == nil {
		minor = v.Minor()
	}
	_, date, _ := db.EOL(version)
	when := "is older than every release in the dataset, long past its end of life,"
	if !date.IsZero() {
		when = "reached end of life on " + date.Format("2006-01-02")
	}
	vendor := ""
	if err == nil && v.Vendor != "" {
		vendor = "; this vendor build may be supported by its vendor for longer"
	}
	return fmt.Sprintf("%s runs Kubernetes %s: the %s line %s and receives no upstream security fixes%s (dataset of %s)",
		what, version, minor, when, vendor, db.DateString())
}
