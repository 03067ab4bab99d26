package redact

import (
	"strings"
	"testing"
	"time"
)

// Test tokens are assembled from pieces so that secret scanners reading this repository do not
// flag them; none of them is a real credential.
var (
	awsKey    = "AKIA" + "IOSFODNN7EXAMPLE"
	awsTemp   = "ASIA" + "Y34FZKBOKMUTVV7A"
	ghToken   = "ghp_" + "16C7e42F292c6912E7710c838347Ae178B4a"
	ghOAuth   = "gho_" + "16C7e42F292c6912E7710c838347Ae178B4a"
	ghPAT     = "github_pat_" + "11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW"
	slack     = "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
	google    = "AIza" + "SyA1234567890abcdefghijklmnopqrstuv"
	stripe    = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
	jwt       = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ" + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
	pemBody   = "MIIEpAIBAAKCAQEA7bq98MfhZk2gZWhsdKfTC3\nNhZDAxMjM0NTY3ODkwYWJjZGVmZ2hpamtsbW5v\n"
	pemHeader = "-----BEGIN RSA " + "PRIVATE KEY-----"
	pemFooter = "-----END RSA " + "PRIVATE KEY-----"
)

func TestString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text is untouched", "container \"web\" runs privileged", "container \"web\" runs privileged"},
		{"empty", "", ""},
		{"aws access key", "env AWS_KEY holds " + awsKey + " in clear", "env AWS_KEY holds [REDACTED] in clear"},
		{"aws temporary key", "key " + awsTemp, "key [REDACTED]"},
		{"aws-looking word inside a longer word is kept", "XAKIAIOSFODNN7EXAMPLEX", "XAKIAIOSFODNN7EXAMPLEX"},
		{"github personal token", "uses " + ghToken + ".", "uses [REDACTED]."},
		{"github oauth token", ghOAuth, "[REDACTED]"},
		{"github fine-grained token", "t=" + ghPAT, "t=[REDACTED]"},
		{"slack token", "slack " + slack + " end", "slack [REDACTED] end"},
		{"slack webhook", "posts to https://hooks.slack.com/services/T000/B000/XXXXXXXX now",
			"posts to https://[REDACTED] now"},
		{"google api key", "maps key " + google, "maps key [REDACTED]"},
		{"stripe live key", "charge with " + stripe, "charge with [REDACTED]"},
		{"jwt", "Authorization header " + jwt + " found", "Authorization header [REDACTED] found"},
		{"pem block", "key:\n" + pemHeader + "\n" + pemBody + pemFooter + "\nafter", "key:\n[REDACTED]\nafter"},
		{"truncated pem block", "x " + pemHeader + "\n" + pemBody, "x [REDACTED]"},
		{"password assignment", "DB_PASSWORD=hunter2 in env", "DB_PASSWORD=[REDACTED] in env"},
		{"password with punctuation", "password=a,b;c&d next", "password=[REDACTED] next"},
		{"token colon", "token: abc123def", "token: [REDACTED]"},
		{"api key camel case", "apiKey=0123456789", "apiKey=[REDACTED]"},
		{"json secret", `{"client_secret": "s3cr3t value", "user": "bob"}`, `{"client_secret": "[REDACTED]", "user": "bob"}`},
		{"escaped json secret", `{\"password\":\"pa55\"}`, `{\"password\":[REDACTED]`},
		{"unterminated quote", `password="abc def`, `password=[REDACTED]`},
		{"single quoted", `secret='xyz'`, `secret='[REDACTED]'`},
		{"authorization bearer", "Authorization: Bearer abcdefghijkl", "Authorization: Bearer [REDACTED]"},
		{"bearer alone", "sent bearer abcdefghijkl0123", "sent bearer [REDACTED]"},
		{"boolean after token key is kept", "automountServiceAccountToken: true", "automountServiceAccountToken: true"},
		{"kubernetes secret fields are kept", "secretName: db, secretKeyRef: x", "secretName: db, secretKeyRef: x"},
		{"flag names are kept", "--token-auth-file=/etc/tokens.csv", "--token-auth-file=/etc/tokens.csv"},
		{"empty quoted value is kept", `password=""`, `password=""`},
		{"url credentials", "pull from https://bob:s3cret@registry.example.com/x", "pull from https://bob:[REDACTED]@registry.example.com/x"},
		{"url without credentials", "see https://kubernetes.io/docs/", "see https://kubernetes.io/docs/"},
		{"url user only", "git@github.com:x/y and ssh://git@host/x", "git@github.com:x/y and ssh://git@host/x"},
		{"masked value inside json", `{"k":"password=[REDACTED]","l":["[REDACTED]"]}`, `{"k":"password=[REDACTED]","l":["[REDACTED]"]}`},
		{"several secrets", "a " + awsKey + " b password=x c " + jwt, "a [REDACTED] b password=[REDACTED] c [REDACTED]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := String(tc.in)
			if got != tc.want {
				t.Errorf("String(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
			if again := String(got); again != got {
				t.Errorf("not idempotent: %q became %q", got, again)
			}
		})
	}
}

// TestStringHugeInput feeds inputs built to make a backtracking matcher explode; RE2 keeps them
// linear. The deadline is generous because the machine is shared.
func TestStringHugeInput(t *testing.T) {
	inputs := map[string]string{
		"almost a pem block": strings.Repeat("-----BEGIN X ", 1<<16),
		"almost a jwt":       strings.Repeat("eyJaaaa.", 1<<17),
		"many keys":          strings.Repeat("password=", 1<<17),
		"unterminated quote": "token=\"" + strings.Repeat("a\\", 1<<19),
		"many urls":          strings.Repeat("https://a:", 1<<17),
		"long word":          strings.Repeat("A", 1<<21),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			out := String(in)
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %s for %d bytes", d, len(in))
			}
			if len(out) > len(in)+len(Mask)*(len(in)/2+1) {
				t.Errorf("output grew from %d to %d bytes", len(in), len(out))
			}
		})
	}
}

var planted = []string{awsKey, awsTemp, ghToken, ghPAT, slack, google, stripe, jwt}

// FuzzString checks that redaction never panics, is idempotent, and removes a known token
// planted anywhere in arbitrary text, as long as blanks separate it from its neighbours.
func FuzzString(f *testing.F) {
	f.Add("container runs privileged", uint(0), uint8(0))
	f.Add("password=", uint(9), uint8(1))
	f.Add("https://user:", uint(13), uint8(2))
	f.Add(pemHeader+"\n", uint(3), uint8(3))
	f.Add(`{"token": "`, uint(11), uint8(4))
	f.Add("eyJhbGciOi.eyJzdWIi.", uint(5), uint8(7))
	f.Add(`{"k":"password=[REDACTED]","l":["x"]}`, uint(20), uint8(5))
	f.Fuzz(func(t *testing.T, text string, at uint, which uint8) {
		out := String(text)
		if again := String(out); again != out {
			t.Fatalf("not idempotent for %q: %q then %q", text, out, again)
		}
		pos := int(at % uint(len(text)+1))
		secret := planted[int(which)%len(planted)]
		in := text[:pos] + " " + secret + " " + text[pos:]
		if got := String(in); strings.Contains(got, secret) {
			t.Fatalf("secret survived in %q", got)
		}
	})
}

func BenchmarkStringClean(b *testing.B) {
	msg := `container "web" sets securityContext.privileged: true; remove it or set it to false`
	for b.Loop() {
		String(msg)
	}
}
