package redact

import (
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
)

// Mask replaces every secret-looking value.
const Mask = "[REDACTED]"

// rule is one kind of secret. A rule runs only when the text contains one of its hints, so the
// common case, a short message with nothing secret in it, costs a few substring searches.
type rule struct {
	hints []string
	// fold makes the hints match case-insensitively (they are written in lower case).
	fold bool
	// assigned requires a hint to be followed, after key-like characters, by ':' or '=': the
	// key/value rule cannot match otherwise, and most texts that merely mention a token or a
	// key are then passed over without running the regular expression.
	assigned bool
	re       *regexp.Regexp
	// keep is the submatch whose text stays in front of the mask (0: none); value, when set, is
	// the submatch that is masked, and a benign value is left alone.
	keep, value int
}

// Every pattern is RE2 (Go's regexp), which matches in time linear in the input: no input,
// however large or hostile, makes redaction backtrack.
var rules = []rule{
	// PEM private keys, RSA/EC/OPENSSH/PGP alike. A block cut off before its END line is masked
	// to the end of the text: a truncated key is still a key.
	{hints: []string{"-----BEGIN"}, re: regexp.MustCompile(
		`-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|[\s\S]*)`)},
	// JSON Web Tokens: base64url header and payload, both starting with `{"`, then a signature
	// that is empty for alg=none.
	{hints: []string{"eyJ"}, re: regexp.MustCompile(`eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*`)},
	// AWS access key IDs (long-term, temporary and other key types).
	{hints: []string{"AKIA", "ASIA", "ABIA", "ACCA"}, re: regexp.MustCompile(`\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b`)},
	// GitHub personal, OAuth, user-to-server, server-to-server and refresh tokens, and
	// fine-grained personal access tokens.
	{hints: []string{"gh", "github_pat_"}, re: regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})`)},
	// Slack tokens (xoxb-, xoxp-, xoxa-, ...) and incoming-webhook URLs.
	{hints: []string{"xox"}, re: regexp.MustCompile(`\bxox[abposre]-[A-Za-z0-9-]{10,}`)},
	{hints: []string{"hooks.slack.com"}, re: regexp.MustCompile(`hooks\.slack\.com/services/[A-Za-z0-9/_-]+`)},
	// Google API keys.
	{hints: []string{"AIza"}, re: regexp.MustCompile(`AIza[0-9A-Za-z_-]{35}`)},
	// Stripe secret and restricted keys.
	{hints: []string{"_live_", "_test_"}, re: regexp.MustCompile(`\b[rs]k_(?:live|test)_[0-9A-Za-z]{10,}`)},
	// Credentials in URLs: scheme://user:password@host keeps the user and masks the password.
	{hints: []string{"://"}, keep: 1, value: 2, re: regexp.MustCompile(
		`(?i)\b([a-z][a-z0-9+.-]*://[^\s/?#@:]+:)([^\s/?#@]+)@`)},
	// Bearer tokens outside a key/value pair ("curl -H Bearer abc...").
	{hints: []string{"bearer"}, fold: true, keep: 1, value: 2, re: regexp.MustCompile(`(?i)\b(bearer\s+)([A-Za-z0-9._~+/-]{8,}=*)`)},
	// key=value and key: value pairs whose key names a secret (password, DB_PASSWORD, apiKey,
	// "client_secret": "...", Authorization: Bearer ...). The key may carry a prefix but only a
	// few suffixes, so Kubernetes fields such as secretName or secretKeyRef are not mistaken for
	// secrets.
	// A quoted value may lack its closing quote; an unquoted one runs to the next blank, so a
	// password containing punctuation is masked whole.
	{hints: []string{"passw", "passphrase", "pwd", "secret", "token", "key", "credential", "authorization"}, fold: true, assigned: true, keep: 1, value: 2, re: regexp.MustCompile(`(?i)((?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|authorization)` +
		`(?:[_-]?(?:key|value|string|hash|id))?\\?["']?\s*[:=]\s*(?:(?:bearer|basic|token)\s+)?)` +
		`("(?:[^"\\\r\n]|\\.)*"?|'[^'\r\n]*'?|[^\s"'][^\s]*)`)},
}

// benignValues follow a secret-sounding key without being secrets: flags and empty strings.
var benignValues = map[string]bool{
	"true": true, "false": true, "null": true, "nil": true, "none": true, "yes": true, "no": true,
	`""`: true, "''": true,
}

// benign reports whether a value after a secret-sounding key is no secret: a flag, an empty
// string, or what redaction already wrote. The last case keeps String idempotent when masked
// text is embedded in other text (a redacted string inside JSON) and redacted again.
func benign(v string) bool {
	return benignValues[strings.ToLower(v)] || strings.HasPrefix(strings.TrimLeft(v, `"'`), Mask)
}

// String returns s with every secret-looking token replaced by Mask. It is idempotent and runs
// in time linear in len(s). Reports repeat the same texts (a check's remediation, a message) on
// thousands of findings, so results for short texts are remembered.
func String(s string) string {
	if len(s) > memoMaxLen {
		return redactString(s)
	}
	if v, ok := memo.Load(s); ok {
		return v.(string)
	}
	out := redactString(s)
	if memoSize.Add(1) > memoMaxEntries {
		memo.Clear()
		memoSize.Store(0)
	}
	memo.Store(s, out)
	return out
}

// The memo is bounded: at most memoMaxEntries texts of at most memoMaxLen bytes each.
const (
	memoMaxLen     = 4 << 10
	memoMaxEntries = 1 << 16
)

var (
	memo     sync.Map
	memoSize atomic.Int64
)

func redactString(s string) string {
	lower := ""
	for i := range rules {
		r := &rules[i]
		text := s
		if r.fold {
			if lower == "" {
				lower = strings.ToLower(s)
			}
			text = lower
		}
		if !r.applies(text) {
			continue
		}
		if next := r.apply(s); next != s {
			s, lower = next, ""
		}
	}
	return s
}

func (r *rule) applies(s string) bool {
	if len(r.hints) == 0 {
		return true
	}
	for _, h := range r.hints {
		if !r.assigned {
			if strings.Contains(s, h) {
				return true
			}
			continue
		}
		for i := 0; ; {
			j := strings.Index(s[i:], h)
			if j < 0 {
				break
			}
			i += j + len(h)
			if assignmentFollows(s[i:]) {
				return true
			}
		}
	}
	return false
}

// assignmentFollows reports whether s starts with key-like characters (letters, digits, _ - and
// quotes, backslashes and blanks) and then ':' or '='.
func assignmentFollows(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ':' || c == '=':
			return true
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '_', c == '-', c == '"', c == '\'', c == '\\', c == ' ', c == '\t':
		default:
			return false
		}
	}
	return false
}

func (r *rule) apply(s string) string {
	matches := r.re.FindAllStringSubmatchIndex(s, -1)
	if len(matches) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, m := range matches {
		start, end := m[0], m[1]
		if r.value > 0 {
			if benign(s[m[2*r.value]:m[2*r.value+1]]) {
				continue
			}
		}
		b.WriteString(s[last:start])
		if r.keep > 0 {
			b.WriteString(s[m[2*r.keep]:m[2*r.keep+1]])
		}
		b.WriteString(maskFor(r, s, m))
		if r.value > 0 {
			// Whatever follows the masked value inside the match (the @ of a URL) stays.
			b.WriteString(s[m[2*r.value+1]:end])
		}
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

// maskFor keeps the quotes around a quoted value, so redacted JSON-ish text stays readable.
func maskFor(r *rule, s string, m []int) string {
	if r.value == 0 {
		return Mask
	}
	v := s[m[2*r.value]:m[2*r.value+1]]
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return string(v[0]) + Mask + string(v[0])
	}
	return Mask
}
