package k8s

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"time"

	utilversion "k8s.io/apimachinery/pkg/util/version"

	"github.com/strata-sec/strata/internal/cvss"
)

var cveID = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`)

// Components are the component names a CVE entry may name.
var Components = []string{
	"kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy", "kubectl", "csi-proxy",
}

var severities = []string{"critical", "high", "medium", "low", "unknown"}

// build validates doc and indexes it. Every problem is reported, each naming its entry.
func build(doc document, source string) (*DB, error) {
	if doc.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("schemaVersion %d is not supported (want %d)", doc.SchemaVersion, SchemaVersion)
	}
	db := &DB{doc: doc, source: source, eol: map[string]time.Time{}, ranges: map[string][]parsedRange{}}
	var errs []error
	date, err := time.Parse(dateLayout, doc.Assembled)
	if err != nil {
		errs = append(errs, fmt.Errorf("assembled %q is not a YYYY-MM-DD date", doc.Assembled))
	}
	db.date = date
	if doc.FeedMerged != "" {
		merged, err := time.Parse(dateLayout, doc.FeedMerged)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("feedMerged %q is not a YYYY-MM-DD date", doc.FeedMerged))
		case merged.After(db.date):
			db.date = merged
		}
	}
	errs = append(errs, db.indexReleases()...)
	seen := map[string]bool{}
	for i := range doc.CVEs {
		c := &doc.CVEs[i]
		if seen[c.ID] {
			errs = append(errs, fmt.Errorf("cve %q: listed twice", c.ID))
		}
		seen[c.ID] = true
		rs, err := validateCVE(c)
		if err != nil {
			errs = append(errs, fmt.Errorf("cve %q: %w", c.ID, err))
			continue
		}
		db.ranges[c.ID] = rs
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return db, nil
}

func (db *DB) indexReleases() []error {
	var errs []error
	for _, r := range db.doc.Releases {
		v, err := utilversion.ParseGeneric(r.Minor)
		if err != nil || len(v.Components()) != 2 {
			errs = append(errs, fmt.Errorf("release %q: minor is not MAJOR.MINOR", r.Minor))
			continue
		}
		if _, dup := db.eol[r.Minor]; dup {
			errs = append(errs, fmt.Errorf("release %s: listed twice", r.Minor))
		}
		d, err := time.Parse(dateLayout, r.EndOfLife)
		if err != nil {
			errs = append(errs, fmt.Errorf("release %s: endOfLife %q is not a YYYY-MM-DD date", r.Minor, r.EndOfLife))
		}
		if r.FinalPatch != "" {
			p, err := utilversion.ParseSemantic(r.FinalPatch)
			if err != nil || p.Major() != v.Major() || p.Minor() != v.Minor() {
				errs = append(errs, fmt.Errorf("release %s: finalPatch %q is not a patch release of it", r.Minor, r.FinalPatch))
			}
		}
		db.eol[r.Minor] = d
		if db.oldest == nil || v.LessThan(db.oldest) {
			db.oldest = v
		}
	}
	if db.oldest == nil {
		errs = append(errs, errors.New("no releases"))
	}
	return errs
}

// validateCVE checks one entry and parses its ranges.
func validateCVE(c *CVE) ([]parsedRange, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !cveID.MatchString(c.ID) {
		bad("id is not CVE-YYYY-NNNN")
	}
	if c.Title == "" {
		bad("title is empty")
	}
	if u, err := url.Parse(c.URL); err != nil || u.Scheme != "https" || u.Host == "" {
		bad("url %q is not an HTTPS URL", c.URL)
	}
	if !slices.Contains(severities, c.Severity) {
		bad("severity %q is not one of %v", c.Severity, severities)
	}
	if c.CVSS < 0 || c.CVSS > 10 {
		bad("cvss %v is outside 0-10", c.CVSS)
	} else if c.CVSS > 0 && c.Severity != cvss.Rating(c.CVSS) {
		bad("severity %q does not match CVSS %.1f (%s)", c.Severity, c.CVSS, cvss.Rating(c.CVSS))
	}
	if c.Published != "" {
		if _, err := time.Parse(dateLayout, c.Published); err != nil {
			bad("published %q is not a YYYY-MM-DD date", c.Published)
		}
	}
	for _, comp := range c.Components {
		if !slices.Contains(Components, comp) {
			bad("unknown component %q", comp)
		}
	}
	if c.OS != "" && c.OS != "windows" && c.OS != "linux" {
		bad("os %q is not windows or linux", c.OS)
	}
	rs, rerrs := parseRanges(c)
	errs = append(errs, rerrs...)
	return rs, errors.Join(errs...)
}

func parseRanges(c *CVE) ([]parsedRange, []error) {
	var errs []error
	switch c.Origin {
	case OriginFeed:
		if len(c.Affected) > 0 || c.NoFix {
			errs = append(errs, errors.New("a feed entry has no affected ranges: curate it to add them"))
		}
		return nil, errs
	case OriginCurated:
		if len(c.Components) == 0 || len(c.Affected) == 0 {
			errs = append(errs, errors.New("a curated entry needs components and affected ranges"))
		}
	default:
		return nil, []error{fmt.Errorf("origin %q is not %s or %s", c.Origin, OriginCurated, OriginFeed)}
	}
	var out []parsedRange
	open := false
	for i, r := range c.Affected {
		intro, err := utilversion.ParseSemantic(r.Introduced)
		if err != nil {
			errs = append(errs, fmt.Errorf("affected[%d]: introduced %q is not a version", i, r.Introduced))
			continue
		}
		pr := parsedRange{introduced: intro}
		if r.Fixed == "" {
			open = true
		} else if pr.fixed, err = utilversion.ParseSemantic(r.Fixed); err != nil || !intro.LessThan(pr.fixed) {
			errs = append(errs, fmt.Errorf("affected[%d]: fixed %q is not a version after %s", i, r.Fixed, r.Introduced))
			continue
		}
		out = append(out, pr)
	}
	if open != c.NoFix {
		errs = append(errs, errors.New("noFix must be true exactly when a range has no fixed version"))
	}
	if c.NoFix && c.Mitigation == "" {
		errs = append(errs, errors.New("an entry without a fix needs a mitigation"))
	}
	return out, errs
}
