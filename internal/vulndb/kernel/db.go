package kernel

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"time"
)

//go:embed dataset.json
var embedded []byte

// SchemaVersion is the dataset layout this package reads.
const SchemaVersion = 1

// Kinds of entries.
const (
	// KindKernel entries are matched against kernel release strings.
	KindKernel = "kernel"
	// KindRuntime entries are container runtime flaws, recorded but never matched against
	// kernels.
	KindRuntime = "runtime"
)

// Container needs: pod settings any one of which gives a container an exploit's preconditions.
const (
	NeedPrivileged        = "privileged"
	NeedCapSysAdmin       = "cap-sys-admin"
	NeedCapNetAdmin       = "cap-net-admin"
	NeedSeccompUnconfined = "seccomp-unconfined"
	NeedHostPath          = "host-path"
)

var knownNeeds = []string{NeedPrivileged, NeedCapSysAdmin, NeedCapNetAdmin, NeedSeccompUnconfined, NeedHostPath}

type document struct {
	SchemaVersion int               `json:"schemaVersion"`
	Assembled     string            `json:"assembled"`
	About         string            `json:"about,omitempty"`
	Sources       []string          `json:"sources,omitempty"`
	Fields        map[string]string `json:"fields,omitempty"`
	CVEs          []CVE             `json:"cves"`
}

// CVE is one vulnerability with the kernels it affects and what exploiting it takes.
type CVE struct {
	ID        string  `json:"id"`
	Name      string  `json:"name,omitempty"`
	Title     string  `json:"title"`
	Kind      string  `json:"kind"`
	Component string  `json:"component,omitempty"`
	Severity  string  `json:"severity"`
	CVSS      float64 `json:"cvss,omitempty"`
	// Preconditions say in words what an attacker needs.
	Preconditions []string `json:"preconditions"`
	// ContainerNeeds lists pod settings any one of which gives a container the
	// preconditions; empty when a default, unprivileged container suffices.
	ContainerNeeds []string `json:"containerNeeds"`
	Affected       []Range  `json:"affected,omitempty"`
	// Distro names the only distribution whose kernels carry the flaw ("ubuntu").
	Distro          string      `json:"distro,omitempty"`
	DistroFixed     []DistroFix `json:"distroFixed,omitempty"`
	RuntimeAffected string      `json:"runtimeAffected,omitempty"`
	References      []string    `json:"references"`
	Note            string      `json:"note,omitempty"`
}

// Label is the CVE ID with its name ("CVE-2022-0847 (Dirty Pipe)").
func (c *CVE) Label() string {
	if c.Name == "" {
		return c.ID
	}
	return c.ID + " (" + c.Name + ")"
}

// Range is a span of affected upstream versions in one stable series: from Introduced
// (inclusive) up to Fixed (exclusive). Without Fixed the series has no fix.
type Range struct {
	Introduced string `json:"introduced"`
	Fixed      string `json:"fixed,omitempty"`
}

// DistroFix is the first fixed kernel ABI of a distribution's base version: Base 6.2.0 with
// FixedABI 26 means 6.2.0-26-* and later carry the fix.
type DistroFix struct {
	Base     string `json:"base"`
	FixedABI int    `json:"fixedABI"`
}

// DB is a validated dataset.
type DB struct {
	doc    document
	date   time.Time
	ranges map[string][]parsedRange
}

type parsedRange struct {
	introduced, fixed version
	hasFixed          bool
}

var embeddedDB = sync.OnceValues(func() (*DB, error) { return decode(embedded) })

// Embedded returns the dataset built into strata.
func Embedded() (*DB, error) { return embeddedDB() }

func decode(data []byte) (*DB, error) {
	var doc document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("kernel vulnerability dataset: invalid JSON: %w", err)
	}
	db, err := build(doc)
	if err != nil {
		return nil, fmt.Errorf("kernel vulnerability dataset: %w", err)
	}
	return db, nil
}

// Assembled is the date the data was assembled, as YYYY-MM-DD.
func (db *DB) Assembled() string { return db.doc.Assembled }

// CVEs returns every entry, in dataset order.
func (db *DB) CVEs() []CVE { return slices.Clone(db.doc.CVEs) }

var cveID = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`)

func build(doc document) (*DB, error) {
	if doc.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("schema version %d, want %d", doc.SchemaVersion, SchemaVersion)
	}
	date, err := time.Parse("2006-01-02", doc.Assembled)
	if err != nil {
		return nil, fmt.Errorf("assembled date: %w", err)
	}
	db := &DB{doc: doc, date: date, ranges: map[string][]parsedRange{}}
	var errs []error
	seen := map[string]bool{}
	for i := range doc.CVEs {
		c := &doc.CVEs[i]
		if seen[c.ID] {
			errs = append(errs, fmt.Errorf("%s listed twice", c.ID))
		}
		seen[c.ID] = true
		rs, err := validateCVE(c)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.ID, err))
			continue
		}
		db.ranges[c.ID] = rs
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return db, nil
}

func validateCVE(c *CVE) ([]parsedRange, error) {
	var errs []error
	if !cveID.MatchString(c.ID) {
		errs = append(errs, fmt.Errorf("id %q is not a CVE identifier", c.ID))
	}
	if c.Title == "" || len(c.Preconditions) == 0 || len(c.References) == 0 {
		errs = append(errs, errors.New("title, preconditions and references are required"))
	}
	if !slices.Contains([]string{"critical", "high", "medium", "low"}, c.Severity) {
		errs = append(errs, fmt.Errorf("severity %q", c.Severity))
	}
	for _, n := range c.ContainerNeeds {
		if !slices.Contains(knownNeeds, n) {
			errs = append(errs, fmt.Errorf("unknown container need %q", n))
		}
	}
	switch {
	case c.Kind == KindRuntime:
		if c.Component == "" || c.RuntimeAffected == "" || len(c.Affected) > 0 {
			errs = append(errs, errors.New("a runtime entry needs component and runtimeAffected and no kernel ranges"))
		}
	case c.Kind != KindKernel:
		errs = append(errs, fmt.Errorf("kind %q", c.Kind))
	case c.Distro != "":
		if len(c.DistroFixed) == 0 || len(c.Affected) > 0 {
			errs = append(errs, errors.New("a distribution entry needs distroFixed and no upstream ranges"))
		}
		for _, f := range c.DistroFixed {
			if _, err := parseVersion(f.Base); err != nil || f.FixedABI <= 0 {
				errs = append(errs, fmt.Errorf("distroFixed %+v is not a base version with an ABI", f))
			}
		}
	case len(c.Affected) == 0:
		errs = append(errs, errors.New("a kernel entry needs affected ranges"))
	}
	rs, err := parseRanges(c.Affected)
	if err != nil {
		errs = append(errs, err)
	}
	return rs, errors.Join(errs...)
}

func parseRanges(in []Range) ([]parsedRange, error) {
	var out []parsedRange
	for _, r := range in {
		intro, err := parseVersion(r.Introduced)
		if err != nil {
			return nil, fmt.Errorf("range introduced: %w", err)
		}
		pr := parsedRange{introduced: intro}
		if r.Fixed != "" {
			if pr.fixed, err = parseVersion(r.Fixed); err != nil {
				return nil, fmt.Errorf("range fixed: %w", err)
			}
			if pr.fixed.compare(intro) <= 0 {
				return nil, fmt.Errorf("range %s..%s is empty", r.Introduced, r.Fixed)
			}
			pr.hasFixed = true
		}
		out = append(out, pr)
	}
	return out, nil
}
