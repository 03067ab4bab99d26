// Package report is the model every output format renders: a scan's posture plus the metadata
// around it (tool, time, sources, Pod Security Standards version, datasets) and a summary of
// findings and coverage per severity and layer. The format packages below it (table, json,
// sarif, junit) each provide Render(io.Writer, *Report) error; nothing here recomputes a
// finding.
package report
