package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/watch"
)

const (
	defaultLimit = 100
	maxLimit     = 1000
	// maxHistory bounds how far back a history request may reach.
	maxHistory = 366 * 24 * time.Hour
)

// findingFilter is a validated /api/v1/findings query.
type findingFilter struct {
	layer      check.Layer
	minSev     check.Severity
	namespace  string
	check      string
	suppressed bool
	limit      int
	offset     int
}

// parseFindingFilter validates the query; an error names the parameter at fault.
func parseFindingFilter(q url.Values, checks []*check.Meta) (findingFilter, error) {
	f := findingFilter{limit: defaultLimit}
	if err := onlyParams(q, "layer", "severity", "namespace", "check", "status", "limit", "offset"); err != nil {
		return f, err
	}
	var err error
	if v, ok := single(q, "layer"); ok {
		if f.layer, err = check.ParseLayer(v); err != nil {
			return f, paramError("layer", err.Error())
		}
	}
	if v, ok := single(q, "severity"); ok {
		if f.minSev, err = check.ParseSeverity(v); err != nil {
			return f, paramError("severity", err.Error())
		}
	}
	if v, ok := single(q, "namespace"); ok {
		if len(v) > 253 || v == "" {
			return f, paramError("namespace", "must be 1 to 253 characters")
		}
		f.namespace = v
	}
	if v, ok := single(q, "check"); ok {
		i := slices.IndexFunc(checks, func(m *check.Meta) bool { return m.ID == v || m.Slug == v })
		if i < 0 {
			return f, paramError("check", fmt.Sprintf("no check with ID or slug %q runs here", truncate(v)))
		}
		f.check = checks[i].ID
	}
	if v, ok := single(q, "status"); ok {
		switch v {
		case "open":
		case "suppressed":
			f.suppressed = true
		default:
			return f, paramError("status", fmt.Sprintf("%q is not open or suppressed", truncate(v)))
		}
	}
	if f.limit, err = intParam(q, "limit", defaultLimit, 1, maxLimit); err != nil {
		return f, err
	}
	if f.offset, err = intParam(q, "offset", 0, 0, 1<<30); err != nil {
		return f, err
	}
	for _, p := range []string{"layer", "severity", "namespace", "check", "status", "limit", "offset"} {
		if len(q[p]) > 1 {
			return f, paramError(p, "given more than once")
		}
	}
	return f, nil
}

func (f findingFilter) match(x *posture.Finding) bool {
	return (f.layer == "" || x.Check.Layer == f.layer) &&
		x.Severity >= f.minSev &&
		(f.namespace == "" || x.Object.Namespace == f.namespace) &&
		(f.check == "" || x.Check.ID == f.check)
}

type findingsResponse struct {
	// Complete is false until the watcher has synced: until then findings may be missing.
	Complete bool `json:"complete"`
	// LastEventID is the ID of the last event published before this snapshot was read: pass
	// it to /api/v1/events?lastEventID= to receive every later change.
	LastEventID uint64        `json:"lastEventID"`
	Total       int           `json:"total"`
	Offset      int           `json:"offset"`
	Limit       int           `json:"limit"`
	Findings    []findingJSON `json:"findings"`
}

func (s *Server) handleFindings(w http.ResponseWriter, r *http.Request) {
	last := s.hub.lastID()
	p := s.opts.Source.Posture()
	if p == nil {
		p = &posture.Posture{}
	}
	checks := s.opts.Checks
	if checks == nil {
		checks = p.Checks
	}
	f, err := parseFindingFilter(r.URL.Query(), checks)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	open, suppressed := s.sorted(p)
	src, status := open, "open"
	if f.suppressed {
		src, status = suppressed, "suppressed"
	}
	var matched []*posture.Finding
	for _, x := range src {
		if x != nil && x.Check != nil && f.match(x) {
			matched = append(matched, x)
		}
	}
	resp := findingsResponse{Complete: s.opts.Source.Status().Synced, LastEventID: last, Total: len(matched), Offset: f.offset, Limit: f.limit, Findings: []findingJSON{}}
	if f.offset < len(matched) {
		page := matched[f.offset:min(len(matched), f.offset+f.limit)]
		for _, x := range page {
			j, err := newFindingJSON(x, status)
			if err != nil {
				writeError(w, http.StatusInternalServerError, err.Error())
				return
			}
			resp.Findings = append(resp.Findings, j)
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

// sortCache holds the findings of the last posture seen, sorted. The watcher hands out one
// immutable snapshot per evaluation, so each is sorted once, not on every request.
type sortCache struct {
	mu               sync.Mutex
	p                *posture.Posture
	open, suppressed []*posture.Finding
}

func (s *Server) sorted(p *posture.Posture) (open, suppressed []*posture.Finding) {
	c := &s.sortCache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.p != p {
		cp := &posture.Posture{Findings: slices.Clone(p.Findings), Suppressed: slices.Clone(p.Suppressed)}
		cp.Sort()
		c.p, c.open, c.suppressed = p, cp.Findings, cp.Suppressed
	}
	return c.open, c.suppressed
}

func (s *Server) handlePosture(w http.ResponseWriter, _ *http.Request) {
	st := s.opts.Source.Status()
	p := s.opts.Source.Posture()
	if p == nil {
		p = &posture.Posture{}
	}
	writeJSON(w, http.StatusOK, summarize(p, st))
}

type historyResponse struct {
	Since  string      `json:"since"`
	Points []pointJSON `json:"points"`
}

type pointJSON struct {
	At         string         `json:"at"`
	Findings   int            `json:"findings"`
	BySeverity map[string]int `json:"bySeverity"`
	ByLayer    map[string]int `json:"byLayer"`
	Coverage   []coverageJSON `json:"coverage"`
}

func (s *Server) handleHistory(w http.ResponseWriter, r *http.Request) {
	if s.opts.History == nil {
		writeError(w, http.StatusNotFound, "no posture history: strata serve runs without a ledger (--ledger none)")
		return
	}
	q := r.URL.Query()
	if err := onlyParams(q, "since"); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	since := 24 * time.Hour
	if v, ok := single(q, "since"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > maxHistory {
			writeError(w, http.StatusBadRequest, paramError("since", fmt.Sprintf("%q is not a positive duration up to %s (e.g. 24h)", truncate(v), maxHistory)).Error())
			return
		}
		since = d
	}
	from := time.Now().Add(-since)
	pts, err := s.opts.History.Series(r.Context(), from)
	if err != nil {
		s.log.Error("read posture history", "err", err)
		writeError(w, http.StatusInternalServerError, "read posture history: "+err.Error())
		return
	}
	resp := historyResponse{Since: timestamp(from), Points: make([]pointJSON, 0, len(pts))}
	for _, p := range pts {
		pj := pointJSON{At: timestamp(p.At), BySeverity: map[string]int{}, ByLayer: map[string]int{}, Coverage: []coverageJSON{}}
		for _, sev := range check.Severities {
			pj.BySeverity[sev.String()] = p.BySeverity[sev]
			pj.Findings += p.BySeverity[sev]
		}
		for _, l := range check.Layers {
			pj.ByLayer[string(l)] = p.ByLayer[l]
		}
		for _, c := range p.Coverage {
			pj.Coverage = append(pj.Coverage, coverageJSON{Layer: string(c.Layer), Pass: c.Pass, Fail: c.Fail, NotAssessed: c.NotAssessed, Error: c.Error})
		}
		resp.Points = append(resp.Points, pj)
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) handleHealthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "alive"})
}

type readyResponse struct {
	Ready  bool   `json:"ready"`
	Reason string `json:"reason,omitempty"`
	// Ledger is the last ledger write error, reported but not a reason to be unready: the
	// posture served is still current.
	Ledger string `json:"ledgerError,omitempty"`
}

func (s *Server) handleReadyz(w http.ResponseWriter, _ *http.Request) {
	st := s.opts.Source.Status()
	resp := readyResponse{Ready: st.Synced}
	if s.opts.Ledger != nil {
		resp.Ledger = s.opts.Ledger.LastError()
	}
	if !st.Synced {
		resp.Reason = notSyncedReason(st)
		writeJSON(w, http.StatusServiceUnavailable, resp)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// notSyncedReason says which kinds keep the posture incomplete.
func notSyncedReason(st watch.Status) string {
	var waiting []string
	for _, k := range st.Kinds {
		if !k.Synced && k.Denied == "" {
			n := k.Name
			if k.Error != "" {
				n += " (" + k.Error + ")"
			}
			waiting = append(waiting, n)
		}
	}
	if len(waiting) == 0 {
		return "first full evaluation has not finished"
	}
	if len(waiting) > 5 {
		waiting = append(waiting[:5], fmt.Sprintf("and %d more", len(waiting)-5))
	}
	return "informers not synced: " + strings.Join(waiting, ", ")
}

// onlyParams rejects parameters the endpoint does not know: a typo must not silently widen a
// query.
func onlyParams(q url.Values, known ...string) error {
	for k := range q {
		if !slices.Contains(known, k) {
			return paramError(truncate(k), "unknown parameter (known: "+strings.Join(known, ", ")+")")
		}
	}
	return nil
}

func single(q url.Values, name string) (string, bool) {
	v, ok := q[name]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	v, ok := single(q, name)
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, paramError(name, fmt.Sprintf("%q is not an integer from %d to %d", truncate(v), lo, hi))
	}
	return n, nil
}

type paramErr struct{ name, msg string }

func (e paramErr) Error() string { return "parameter " + e.name + ": " + e.msg }

func paramError(name, msg string) error { return paramErr{name, msg} }

// truncate shortens user input echoed in errors.
func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

type errorJSON struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, errorJSON{Error: msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"error":"encode response"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}

func methodNotAllowed(w http.ResponseWriter, allowed ...string) {
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	writeError(w, http.StatusMethodNotAllowed, "method not allowed (allowed: "+strings.Join(allowed, ", ")+")")
}
