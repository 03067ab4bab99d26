package server

import (
	"fmt"
	"time"

	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/redact"
	"github.com/strata-sec/strata/internal/report"
)

// The types below are the API's wire contract (docs/api.md), kept apart from the posture
// model so that a change to the model cannot silently change what clients parse.

type findingJSON struct {
	// ID is the fingerprint of the finding's stable key: a finding keeps it while it is open
	// and a resolved event carries the same ID.
	ID          string           `json:"id"`
	Status      string           `json:"status"`
	CheckID     string           `json:"checkID"`
	Slug        string           `json:"slug"`
	Title       string           `json:"title"`
	Layer       string           `json:"layer"`
	Severity    string           `json:"severity"`
	Object      objectJSON       `json:"object"`
	Path        string           `json:"path"`
	Message     string           `json:"message"`
	Remediation string           `json:"remediation"`
	Fix         []report.PatchOp `json:"fix,omitempty"`
	Location    *locationJSON    `json:"location,omitempty"`
	Exemption   *exemptionJSON   `json:"exemption,omitempty"`
}

type objectJSON struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	UID        string `json:"uid,omitempty"`
}

type locationJSON struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
}

type exemptionJSON struct {
	Reason  string `json:"reason"`
	Owner   string `json:"owner,omitempty"`
	Source  string `json:"source"`
	Expires string `json:"expires,omitempty"`
}

type eventJSON struct {
	Type     string       `json:"type"`
	Finding  findingJSON  `json:"finding"`
	Previous *findingJSON `json:"previous,omitempty"`
	Time     string       `json:"time"`
	Cause    string       `json:"cause,omitempty"`
	Manager  string       `json:"manager,omitempty"`
}

func newFindingJSON(f *posture.Finding, status string) (findingJSON, error) {
	if f == nil || f.Check == nil {
		return findingJSON{}, fmt.Errorf("finding without a check")
	}
	fix, err := report.Patch(f.Fix)
	if err != nil {
		return findingJSON{}, fmt.Errorf("finding %s on %s: %w", f.Check.ID, f.Object, err)
	}
	out := findingJSON{
		ID:          report.Fingerprint(f),
		Status:      status,
		CheckID:     f.Check.ID,
		Slug:        f.Check.Slug,
		Title:       redact.String(f.Check.Title),
		Layer:       string(f.Check.Layer),
		Severity:    f.Severity.String(),
		Object:      objectJSON{APIVersion: f.Object.APIVersion, Kind: f.Object.Kind, Namespace: f.Object.Namespace, Name: f.Object.Name, UID: f.Object.UID},
		Path:        redact.String(f.Path),
		Message:     redact.String(f.Message),
		Remediation: redact.String(f.Check.Remediation),
		Fix:         fix,
	}
	if f.Location.File != "" {
		out.Location = &locationJSON{File: redact.String(f.Location.File), Line: f.Location.Line}
	}
	if e := f.Exemption; e != nil {
		out.Exemption = &exemptionJSON{Reason: redact.String(e.Reason), Owner: redact.String(e.Owner), Source: redact.String(e.Source)}
		if e.Expires != nil {
			out.Exemption.Expires = timestamp(*e.Expires)
		}
	}
	return out, nil
}

func newEventJSON(ev posture.Event) (eventJSON, error) {
	status := "open"
	if ev.Finding != nil && ev.Finding.Exemption != nil {
		status = "suppressed"
	}
	f, err := newFindingJSON(ev.Finding, status)
	if err != nil {
		return eventJSON{}, err
	}
	out := eventJSON{Type: string(ev.Type), Finding: f, Time: timestamp(ev.Time), Cause: redact.String(ev.Cause), Manager: redact.String(ev.Manager)}
	if ev.Previous != nil {
		p, err := newFindingJSON(ev.Previous, status)
		if err != nil {
			return eventJSON{}, err
		}
		out.Previous = &p
	}
	return out, nil
}

func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
