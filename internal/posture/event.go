package posture

import (
	"slices"
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
// after, in a stable order (resolved, changed, new; each by key, then by position in its
// input). Findings are compared on severity, message and fix; location and frameworks are not
// part of a finding's identity. Where several findings share a key, each of after's is
// compared with the last of before's.
func Diff(before, after []*Finding, at time.Time) []Event {
	b, a := sortedByKey(before), sortedByKey(after)
	var resolved, changed []Event
	added := make([]Event, 0, max(len(a)-len(b), 0))
	for i, j := 0, 0; i < len(b) || j < len(a); {
		c := 0
		switch {
		case i == len(b):
			c = 1
		case j == len(a):
			c = -1
		default:
			c = CompareKey(b[i], a[j])
		}
		if c < 0 {
			resolved = append(resolved, Event{Type: EventResolved, Finding: b[i], Time: at})
			i++
			continue
		}
		if c > 0 {
			added = append(added, Event{Type: EventNew, Finding: a[j], Time: at})
			j++
			continue
		}
		// One key on both sides: before's group ends at i2, after's at j2.
		i2, j2 := i+1, j+1
		for i2 < len(b) && CompareKey(b[i2], b[i]) == 0 {
			i2++
		}
		for j2 < len(a) && CompareKey(a[j2], a[j]) == 0 {
			j2++
		}
		p := b[i2-1]
		for _, f := range a[j:j2] {
			if !Same(p, f) {
				changed = append(changed, Event{Type: EventChanged, Finding: f, Previous: p, Time: at})
			}
		}
		i, j = i2, j2
	}
	if len(resolved) == 0 && len(changed) == 0 {
		return added
	}
	out := make([]Event, 0, len(resolved)+len(changed)+len(added))
	out = append(append(append(out, resolved...), changed...), added...)
	return out
}

// sortedByKey returns fs sorted by key, findings with one key in their order in fs.
func sortedByKey(fs []*Finding) []*Finding {
	out := slices.Clone(fs)
	SortByKey(out)
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
