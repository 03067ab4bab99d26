package posture

// Less reports whether a sorts before b in the order Sort gives findings, so that callers
// keeping sorted findings can merge instead of sorting everything again.
func Less(a, b *Finding) bool { return less(a, b) }
