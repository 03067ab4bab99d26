package workload

import (
	"regexp"
	"strings"
	"unicode"
)

// The matchers below decide whether a literal env value is a credential. They return reasons
// that name the rule, never the value.

// credentialTermKind says how much a credential-like env name proves on its own.
type credentialTermKind int

const (
	// termStrong names a credential: any non-inert literal value is reported.
	termStrong credentialTermKind = iota + 1
	// termWeak also names ordinary settings (AUTH_BACKEND=ldap), so the value must look random.
	termWeak
	// termConnection names a connection string, a credential only when it embeds a password.
	termConnection
)

// credentialWords are env-name tokens that name a credential.
var credentialWords = map[string]credentialTermKind{
	"PASSWORD": termStrong, "PASSWORDS": termStrong, "PASSWD": termStrong, "PASSPHRASE": termStrong,
	"PWD": termStrong, "SECRET": termStrong, "SECRETS": termStrong, "TOKEN": termStrong,
	"TOKENS": termStrong, "APIKEY": termStrong, "ACCESSKEY": termStrong, "SECRETKEY": termStrong,
	"PRIVATEKEY": termStrong, "CREDENTIAL": termStrong, "CREDENTIALS": termStrong, "CREDS": termStrong,
	"AUTHORIZATION": termStrong, "AUTHTOKEN": termStrong,
	"PASS": termStrong, "AUTH": termWeak,
	"DSN": termConnection, "CONNSTRING": termConnection, "CONNECTIONSTRING": termConnection,
}

// credentialPairs are two consecutive env-name tokens that name a credential.
var credentialPairs = map[[2]string]credentialTermKind{
	{"API", "KEY"}: termStrong, {"ACCESS", "KEY"}: termStrong, {"PRIVATE", "KEY"}: termStrong,
	{"ENCRYPTION", "KEY"}: termStrong, {"SIGNING", "KEY"}: termStrong, {"MASTER", "KEY"}: termStrong,
	{"HMAC", "KEY"}: termStrong, {"LICENSE", "KEY"}: termStrong, {"ACCOUNT", "KEY"}: termStrong,
	{"SHARED", "KEY"}: termStrong, {"CLIENT", "KEY"}: termStrong,
	{"CONNECTION", "STRING"}: termConnection, {"CONN", "STRING"}: termConnection,
}

// credentialQualifiers end names that describe a credential instead of holding one:
// PASSWORD_MIN_LENGTH, TOKEN_TTL, DB_PASSWORD_FILE, AUTH_URL.
var credentialQualifiers = wordsToSet(`FILE FILES PATH DIR DIRECTORY URL URI ENDPOINT HOST HOSTNAME
		PORT ADDR ADDRESS SERVER SERVICE NAME NAMESPACE REF TTL TIMEOUT EXPIRY EXPIRES EXPIRATION
		LIFETIME DURATION AGE INTERVAL PERIOD DAYS HOURS MINUTES SECONDS LENGTH LEN MIN MAX SIZE
		COUNT LIMIT RETRIES ENABLED ENABLE DISABLED DISABLE REQUIRED HEADER FIELD PARAM TYPE KIND
		MODE METHOD PROVIDER STRATEGY BACKEND STORE CACHE SOURCE ALGORITHM ALG POLICY ROTATION
		VERSION FORMAT ENCODING LOCATION ISSUER AUDIENCE SCOPE SCOPES REALM USER USERNAME PREFIX
		SUFFIX PATTERN REGEX`)

// wordsToSet returns the whitespace-separated words of s as a set.
func wordsToSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(s) {
		set[w] = true
	}
	return set
}

// envNameTokens splits an env name into upper-case words at underscores, dashes, dots and
// camelCase boundaries: "dbPassword" and "DB_PASSWORD" both give [DB PASSWORD], "APIKey" gives
// [API KEY].
func envNameTokens(name string) []string {
	var b strings.Builder
	rs := []rune(name)
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) {
			prev := rs[i-1]
			acronymEnd := unicode.IsUpper(prev) && i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || acronymEnd {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return strings.FieldsFunc(b.String(), func(r rune) bool {
		return (r < 'A' || r > 'Z') && (r < '0' || r > '9')
	})
}

// credentialNameTerm returns the credential term in an env name ("PASSWORD", "API_KEY") and its
// kind; term is "" when the name does not name a credential.
func credentialNameTerm(name string) (term string, kind credentialTermKind) {
	toks := envNameTokens(name)
	if len(toks) == 0 || credentialQualifiers[toks[len(toks)-1]] {
		return "", 0
	}
	if len(toks) == 1 && toks[0] == "PWD" {
		return "", 0 // the shell's working directory
	}
	for i, t := range toks {
		if i+1 < len(toks) {
			if k, ok := credentialPairs[[2]string{t, toks[i+1]}]; ok {
				return t + "_" + toks[i+1], k
			}
		}
		if k, ok := credentialWords[t]; ok {
			return t, k
		}
	}
	return "", 0
}

var (
	inertWords    = wordsToSet("true false yes no on off enabled disabled enable disable none null nil required optional -")
	shortNumber   = regexp.MustCompile(`^[0-9]{1,8}$`)
	durationValue = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h|d|w)$`)
	shellVarRef   = regexp.MustCompile(`^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$`)
	templateRef   = regexp.MustCompile(`^\{\{.*\}\}$`)
	// dsnPassword is a connection string's "user:password@" prefix without a scheme, as in
	// Go's MySQL DSN "app:pw@tcp(db:3306)/shop".
	dsnPassword = regexp.MustCompile(`^[^\s:@/]+:([^\s@]+)@`)
)

// isValueReference reports whether v stands for a value defined elsewhere: a Kubernetes
// $(VAR) expansion, a shell variable the entrypoint expands, or an unrendered template.
func isValueReference(v string) bool {
	v = strings.TrimSpace(v)
	return strings.Contains(v, "$(") || shellVarRef.MatchString(v) || templateRef.MatchString(v)
}

// isInertLiteral reports whether v cannot be a credential whatever the env name says: empty,
// a reference, a boolean word, a short number, a duration, a file path or a URL without a
// password.
func isInertLiteral(v string) bool {
	v = strings.TrimSpace(v)
	switch {
	case v == "", isValueReference(v), inertWords[strings.ToLower(v)], shortNumber.MatchString(v),
		durationValue.MatchString(v):
		return true
	case strings.HasPrefix(v, "/"), strings.HasPrefix(v, "./"), strings.HasPrefix(v, "../"),
		strings.HasPrefix(v, "~/"):
		return true
	case strings.Contains(v, "://"):
		return urlWithPassword.FindStringSubmatch(v) == nil
	}
	return false
}

// looksRandom reports whether v looks like generated secret material rather than a word:
// three character classes, or a long mix of letters and digits (hex and base32 keys).
func looksRandom(v string) bool {
	var lower, upper, digit, other bool
	for _, r := range v {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	classes := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			classes++
		}
	}
	return len(v) >= 8 && classes >= 3 || len(v) >= 16 && digit && (lower || upper)
}

// credentialValuePatterns recognise credentials by their shape, whatever the env is called.
var credentialValuePatterns = []struct {
	what string
	re   *regexp.Regexp
}{
	{"an AWS access key ID", regexp.MustCompile(`\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b`)},
	{"a GitHub token", regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{36,}`)},
	{"a GitHub token", regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9_]{22,}`)},
	{"a GitLab token", regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}`)},
	{"a Slack token", regexp.MustCompile(`\bxox[abeprs]-[A-Za-z0-9-]{10,}`)},
	{"a Slack webhook URL", regexp.MustCompile(`https://hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+`)},
	{"a Google API key", regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}`)},
	{"a JSON Web Token", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`)},
	{"a PEM private key", regexp.MustCompile(`-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----`)},
	{"a Stripe live key", regexp.MustCompile(`\b[rs]k_live_[0-9A-Za-z]{16,}`)},
	{"an npm token", regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`)},
	{"a SendGrid API key", regexp.MustCompile(`\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b`)},
}

var (
	// urlWithPassword captures the password of scheme://user:password@host.
	urlWithPassword = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@`)
	// connStringPassword captures Password=... or Pwd=... in a key=value connection string.
	connStringPassword = regexp.MustCompile(`(?i)(?:^|[;\s])(?:password|pwd)\s*=\s*([^;\s]+)`)
	// maskedPassword is a password already redacted by whoever wrote the manifest.
	maskedPassword = regexp.MustCompile(`^[*xX]+$`)
)

// embeddedPassword reports whether re finds a literal password in v: the captured password is
// neither a reference nor a mask.
func embeddedPassword(re *regexp.Regexp, v string) bool {
	for _, m := range re.FindAllStringSubmatch(v, -1) {
		if !isValueReference(m[1]) && !maskedPassword.MatchString(m[1]) {
			return true
		}
	}
	return false
}

// credentialValueKind says what credential v looks like ("a GitHub token"), or "" when its
// shape is not one strata knows.
func credentialValueKind(v string) string {
	for _, p := range credentialValuePatterns {
		if p.re.MatchString(v) {
			return p.what
		}
	}
	if embeddedPassword(urlWithPassword, v) {
		return "a URL with an embedded password"
	}
	if embeddedPassword(connStringPassword, v) {
		return "a connection string with a password"
	}
	return ""
}

// credentialByName returns the credential term of name when name names a credential and v is
// a plausible literal for it; "" otherwise.
func credentialByName(name, v string) string {
	term, kind := credentialNameTerm(name)
	if term == "" {
		return ""
	}
	switch kind {
	case termConnection:
		if !embeddedPassword(dsnPassword, strings.TrimSpace(v)) {
			return ""
		}
	case termWeak:
		if isInertLiteral(v) || !looksRandom(strings.TrimSpace(v)) {
			return ""
		}
	default:
		if isInertLiteral(v) {
			return ""
		}
	}
	return term
}

// literalCredential says why the literal env value v of env name looks like a credential, or
// returns "" when it does not. The reason names the matching rules and never the value.
func literalCredential(name, v string) string {
	var reasons []string
	if term := credentialByName(name, v); term != "" {
		reasons = append(reasons, "its name looks like a credential ("+term+")")
	}
	if what := credentialValueKind(v); what != "" {
		reasons = append(reasons, "the value looks like "+what)
	}
	return strings.Join(reasons, " and ")
}
