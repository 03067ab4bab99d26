package watch

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/redact"
	"github.com/strata-sec/strata/internal/report"
)

// Record types that are not posture events.
const (
	// RecordSynced follows the events of the first full evaluation: the posture is complete.
	RecordSynced = "synced"
	// RecordResync follows the events of a periodic full evaluation.
	RecordResync = "resync"
	// RecordOverflow says the consumer fell behind and events were lost.
	RecordOverflow = "overflow"
)

// Record is one line of strata watch's NDJSON stream (docs/events.md): a posture event (type
// new, resolved or changed) or a stream marker (synced, resync, overflow).
type Record struct {
	Type string    `json:"type"`
	Time time.Time `json:"time"`
	// Initial marks the events of the first full evaluation: the posture found at start.
	Initial    bool                   `json:"initial,omitempty"`
	Check      *RecordCheck           `json:"check,omitempty"`
	Severity   string                 `json:"severity,omitempty"`
	Object     *RecordObject          `json:"object,omitempty"`
	Path       string                 `json:"path,omitempty"`
	Message    string                 `json:"message,omitempty"`
	Fix        []report.PatchOp       `json:"fix,omitempty"`
	Frameworks []posture.FrameworkRef `json:"frameworks,omitempty"`
	// Previous is what a changed finding said before.
	Previous *RecordPrevious `json:"previous,omitempty"`
	Cause    string          `json:"cause,omitempty"`
	Manager  string          `json:"manager,omitempty"`
	// Findings and Objects are set on synced and resync markers: the posture's size.
	Findings *int `json:"findings,omitempty"`
	Objects  *int `json:"objects,omitempty"`
}

// RecordCheck names the check of an event.
type RecordCheck struct {
	ID    string `json:"id"`
	Slug  string `json:"slug"`
	Title string `json:"title"`
	Layer string `json:"layer"`
}

// RecordObject is the object of an event.
type RecordObject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	UID        string `json:"uid,omitempty"`
}

// RecordPrevious is the earlier state of a changed finding.
type RecordPrevious struct {
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// EventRecord turns one posture event into its record. Every free-text field goes through
// redact, as in the JSON report, so no sink of the stream sees a secret-looking value.
func EventRecord(e posture.Event, initial bool) (Record, error) {
	f := e.Finding
	if f == nil || f.Check == nil {
		return Record{}, fmt.Errorf("event %s without a finding", e.Type)
	}
	fix, err := report.Patch(f.Fix)
	if err != nil {
		return Record{}, fmt.Errorf("event on %s: %w", f.Object, err)
	}
	r := Record{
		Type:       string(e.Type),
		Time:       e.Time.UTC(),
		Initial:    initial,
		Check:      &RecordCheck{ID: f.Check.ID, Slug: f.Check.Slug, Title: redact.String(f.Check.Title), Layer: string(f.Check.Layer)},
		Severity:   f.Severity.String(),
		Object:     &RecordObject{APIVersion: f.Object.APIVersion, Kind: f.Object.Kind, Namespace: f.Object.Namespace, Name: f.Object.Name, UID: f.Object.UID},
		Path:       redact.String(f.Path),
		Message:    redact.String(f.Message),
		Fix:        fix,
		Frameworks: f.Frameworks,
		Cause:      redact.String(e.Cause),
		Manager:    redact.String(e.Manager),
	}
	if e.Previous != nil {
		r.Previous = &RecordPrevious{Severity: e.Previous.Severity.String(), Message: redact.String(e.Previous.Message)}
	}
	return r, nil
}

// BatchRecords turns a batch into its records: the events, then a synced marker after the
// initial batch, a resync marker after a periodic full one, or a lone overflow marker.
func BatchRecords(b Batch) ([]Record, error) {
	if b.Overflow {
		return []Record{{Type: RecordOverflow, Time: b.At.UTC()}}, nil
	}
	out := make([]Record, 0, len(b.Events)+1)
	for _, e := range b.Events {
		r, err := EventRecord(e, b.Initial)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if b.Full {
		objects := b.Objects
		m := Record{Type: RecordResync, Time: b.At.UTC(), Objects: &objects}
		if b.Initial {
			m.Type = RecordSynced
		}
		if b.Posture != nil {
			n := len(b.Posture.Findings)
			m.Findings = &n
		}
		out = append(out, m)
	}
	return out, nil
}

// WriteRecords writes records as NDJSON: one compact JSON object per line.
func WriteRecords(w io.Writer, records []Record) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range records {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}
