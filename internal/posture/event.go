package posture

import (
	"sort"
	"time"
)

// EventType is how a finding changed between two postures.
type EventType string

const (
	// EventNew is a finding that was not there before.
	EventNew EventType = "new"
	// EventResolved is a finding that is gone: the object was fixed, exempted or deleted.
	EventResolved EventType = "resolved"
	// EventChanged is a finding with the same key whose severity, message or fix changed.
	EventChanged EventType = "changed"
)

// Event is one change in posture. Finding is the finding as it is now (new, changed) or as it
// was last seen (resolved); Previous is set for changed events.
type Event struct {
	Type     EventType
	Finding  *Finding
	Previous *Finding
	// Time is when the engine observed the change.
	Time time.Time
	// Cause names the change that led to the event ("update Deployment/shop/web"), and
	// Manager the field manager that made it, when the object's managedFields say.
	Cause   string
	Manager string
}

// Diff compares two sets of findings by Key and returns the events that turn before into
// after, in a stable order (resolved, changed, new; each by key). Findings are compared on
// severity, message and fix; location and frameworks are not part of a finding's identity.
func Diff(before, after []*Finding, at time.Time) []Event {
	old := make(map[string]*Finding, len(before))
	for _, f := range before {
		old[f.Key()] = f
	}
	var resolved, changed, added []Event
	seen := make(map[string]bool, len(after))
	for _, f := range after {
		k := f.Key()
		seen[k] = true
		p, ok := old[k]
		switch {
		case !ok:
			added = append(added, Event{Type: EventNew, Finding: f, Time: at})
		case !Same(p, f):
			changed = append(changed, Event{Type: EventChanged, Finding: f, Previous: p, Time: at})
		}
	}
	for _, f := range before {
		if !seen[f.Key()] {
			resolved = append(resolved, Event{Type: EventResolved, Finding: f, Time: at})
		}
	}
	out := make([]Event, 0, len(resolved)+len(changed)+len(added))
	for _, evs := range [][]Event{resolved, changed, added} {
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].Finding.Key() < evs[j].Finding.Key() })
		out = append(out, evs...)
	}
	return out
}

// Same reports whether two findings with one key say the same thing.
func Same(a, b *Finding) bool {
	if a.Severity != b.Severity || a.Message != b.Message || len(a.Fix) != len(b.Fix) {
		return false
	}
	for i := range a.Fix {
		if a.Fix[i].Op != b.Fix[i].Op || a.Fix[i].Path != b.Fix[i].Path {
			return false
		}
	}
	return true
}
