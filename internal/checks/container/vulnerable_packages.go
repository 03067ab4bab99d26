package container

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/imagefacts"
)

// maxSummary keeps one advisory's summary from filling a report line.
const maxSummary = 160

// Why: a package with a published vulnerability is the cheapest way into a container: the
// advisory is the exploit's documentation, and scanners find such images faster than people
// patch them. Each match is one finding at the severity its advisory gives, so a critical
// remote-code bug is not averaged into the noise of low ones; a record without a rating keeps
// the check's medium and says so. Without a database nothing was matched, and the check is
// not assessed rather than passed. When some package databases in the image were unreadable
// the matching is incomplete: the matches found are still reported, each saying the list may
// be incomplete, because hiding real matches behind "not assessed" would be worse; with no
// match at all the image is not assessed, because "no vulnerability" was not established.
var vulnerablePackages = &check.ObjectCheck[*imagefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0070",
		Slug:     "known-vulnerable-packages",
		Title:    "Image contains packages with known vulnerabilities",
		Layer:    check.LayerContainer,
		Severity: check.SeverityMedium,
		Description: "An OS package or Go module in the image has a published vulnerability advisory for the " +
			"installed version. Public advisories come with proof-of-concept exploits and are what automated " +
			"attacks scan for, so a vulnerable library in a reachable service is often the first step into the cluster.",
		Remediation: "Rebuild the image on an updated base (or upgrade the package or Go module to the fixed version " +
			"named in the finding), redeploy, and rebuild regularly; where no fix exists, remove the package or " +
			"confirm it is unreachable and record an exemption with a reason and an expiry.",
		References: []string{
			"https://osv.dev/",
			"https://www.first.org/cvss/specification-document",
			"https://kubernetes.io/docs/concepts/security/security-checklist/#images",
		},
	},
	Kind: imagefacts.Kind,
	Run:  runVulnerablePackages,
}

func runVulnerablePackages(_ *check.Env, _ *check.Object, f *imagefacts.Facts) ([]check.Violation, error) {
	if err := analysed(f); err != nil {
		return nil, err
	}
	if f.VulnDB == nil {
		return nil, check.NotAssessedf("no vulnerability database imported; run strata db import PATH")
	}
	db := fmt.Sprintf("%s of %s", f.VulnDB.Name, f.VulnDB.Date.UTC().Format("2006-01-02"))
	if len(f.Vulnerabilities) == 0 && len(f.PackageErrors) > 0 {
		return nil, check.NotAssessedf("image %s: %d package database(s) unreadable (%s); no match among the packages that were read (%s)",
			f.Name, len(f.PackageErrors), f.PackageErrors[0], db)
	}
	if len(f.Vulnerabilities) == 0 && len(f.VulnDB.Unmatched) > 0 {
		return nil, check.NotAssessedf("image %s: packages the database cannot judge: %s; no match among the others (%s)",
			f.Name, strings.Join(f.VulnDB.Unmatched, "; "), db)
	}
	incomplete := ""
	if n := len(f.PackageErrors); n > 0 {
		incomplete = fmt.Sprintf("; matching incomplete: %d package database(s) unreadable", n)
	}
	if n := len(f.VulnDB.Unmatched); n > 0 {
		incomplete += fmt.Sprintf("; matching incomplete: %s", strings.Join(f.VulnDB.Unmatched, "; "))
	}
	vs := make([]check.Violation, 0, len(f.Vulnerabilities))
	for i, v := range f.Vulnerabilities {
		sev, rated := vulnSeverity(v.Severity)
		var b strings.Builder
		b.WriteString(v.ID)
		if len(v.Aliases) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(v.Aliases, ", "))
		}
		fmt.Fprintf(&b, " in %s %s: ", v.Package, v.Installed)
		if v.Fixed != "" {
			fmt.Fprintf(&b, "fixed in %s", v.Fixed)
		} else {
			b.WriteString("no fix available")
		}
		if s := oneLine(v.Summary); s != "" {
			b.WriteString("; " + s)
		}
		if !rated {
			b.WriteString("; the record has no severity rating")
		}
		fmt.Fprintf(&b, " [%s]%s", db, incomplete)
		vs = append(vs, check.Violation{Path: field.NewPath("vulnerabilities").Index(i), Message: b.String(), Severity: sev})
	}
	return vs, nil
}

// vulnSeverity maps a record's rating to a severity; unrated (or unknown) keeps the check's.
func vulnSeverity(s string) (check.Severity, bool) {
	switch strings.ToLower(s) {
	case "critical":
		return check.SeverityCritical, true
	case "high":
		return check.SeverityHigh, true
	case "medium", "moderate":
		return check.SeverityMedium, true
	case "low":
		return check.SeverityLow, true
	}
	return 0, false
}

// oneLine collapses whitespace and shortens a summary for a report line.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > maxSummary {
		s = string(r[:maxSummary-1]) + "…"
	}
	return s
}
