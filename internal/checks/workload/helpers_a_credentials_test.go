package workload

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// fakeToken builds token-shaped test values from pieces, so that no complete credential-shaped
// string sits in the source for secret scanners to trip over.
func fakeToken(prefix string, body string, n int) string {
	return prefix + strings.Repeat(body, n/len(body)+1)[:n]
}

func TestEnvNameTokens(t *testing.T) {
	cases := map[string]string{
		"DB_PASSWORD":                "DB PASSWORD",
		"dbPassword":                 "DB PASSWORD",
		"APIKey":                     "API KEY",
		"AWSSecretAccessKey":         "AWS SECRET ACCESS KEY",
		"db2Password":                "DB2 PASSWORD",
		"ConnectionStrings__Default": "CONNECTION STRINGS DEFAULT",
		"spring.datasource.password": "SPRING DATASOURCE PASSWORD",
		"x-api-key":                  "X API KEY",
		"":                           "",
	}
	for in, want := range cases {
		if got := strings.Join(envNameTokens(in), " "); got != want {
			t.Errorf("envNameTokens(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCredentialByName(t *testing.T) {
	cases := []struct {
		name, value, want string
	}{
		{"DB_PASSWORD", "Tr0ub4dor-and-3", "PASSWORD"},
		{"dbPassword", "hunter2", "PASSWORD"},
		{"DB_PASS", "hunter2", "PASS"},
		{"MYSQL_PWD", "s3cret", "PWD"},
		{"JWT_SECRET", "changeme", "SECRET"},
		{"SECRET_KEY_BASE", "0a1b2c3d4e5f", "SECRET"},
		{"GITHUB_TOKEN", "abc123def456", "TOKEN"},
		{"PARTNER_API_KEY", "k3y-9f8a", "API_KEY"},
		{"apiKey", "k3y-9f8a", "API_KEY"},
		{"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "SECRET"},
		{"AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", "ACCESS_KEY"},
		{"SSH_PRIVATE_KEY", "not-a-real-key-body", "PRIVATE_KEY"},
		{"GOOGLE_CREDENTIALS", "{\"type\":\"service_account\"}", "CREDENTIALS"},
		{"DB_PASSWORD_PROD", "Winter2025!", "PASSWORD"},
		{"ENCRYPTION_KEY", "c2VjcmV0LWtleQ==", "ENCRYPTION_KEY"},
		{"PARTNER_AUTH", "Basic cGFydG5lcjpub3QtcmVhbA==", "AUTH"},
		{"MYSQL_DSN", "orders:Winter2025@tcp(mysql:3306)/orders", "DSN"},
		{"SQL_CONNECTION_STRING", "app:pw@tcp(db)/shop", "CONNECTION_STRING"},

		// Names that describe a credential rather than hold one.
		{"TOKEN_TTL", "3600", ""},
		{"PASSWORD_MIN_LENGTH", "12", ""},
		{"DB_PASSWORD_FILE", "/run/secrets/db", ""},
		{"AUTH_URL", "https://login.example.com", ""},
		{"SECRET_NAME", "gateway-tls", ""},
		{"TOKEN_AUDIENCE", "api.example.com", ""},
		{"PWD", "/srv/app", ""},
		{"TOKENIZER_MODEL", "bert-base-uncased", ""},
		{"AUTHOR", "Jane Example", ""},
		{"PASSTHROUGH", "enabled-for-all", ""},
		// Credential names whose values cannot be credentials.
		{"DB_PASSWORD", "", ""},
		{"DB_PASSWORD", "   ", ""},
		{"DB_PASSWORD", "$(RAW_DB_PASSWORD)", ""},
		{"DB_PASSWORD", "${DB_PASSWORD}", ""},
		{"DB_PASSWORD", "$DB_PASSWORD", ""},
		{"DB_PASSWORD", "{{ .Values.db.password }}", ""},
		{"REQUIRE_PASSWORD", "false", ""},
		{"ENABLE_AUTH", "true", ""},
		{"TOKEN_REFRESH", "15m", ""},
		{"API_KEY_SLOT", "3", ""},
		{"CREDENTIALS", "/var/run/secrets/gcp/key.json", ""},
		{"OAUTH_TOKEN", "https://issuer.example.com/token", ""},
		// Weak and connection terms need the value to prove it.
		{"AUTH_BACKEND", "ldap", ""},
		{"AUTH", "ldap-server", ""},
		{"MYSQL_DSN", "reader@tcp(mysql:3306)/orders", ""},
		{"MYSQL_DSN", "orders:$(DB_PASSWORD)@tcp(mysql:3306)/orders", ""},
		{"CONNECTION_STRING", "Server=db;Database=orders;Integrated Security=true", ""},
	}
	for _, c := range cases {
		if got := credentialByName(c.name, c.value); got != c.want {
			t.Errorf("credentialByName(%q, %q) = %q, want %q", c.name, c.value, got, c.want)
		}
	}
}

func TestCredentialValueKind(t *testing.T) {
	cases := []struct{ value, want string }{
		{"AKIAIOSFODNN7EXAMPLE", "an AWS access key ID"},
		{fakeToken("AS"+"IA", "ABCDEFGH23456789", 16), "an AWS access key ID"},
		{fakeToken("gh"+"p_", "a1B2c3D4", 36), "a GitHub token"},
		{fakeToken("github"+"_pat_", "11AB_cd34", 60), "a GitHub token"},
		{fakeToken("gl"+"pat-", "xY9_z", 20), "a GitLab token"},
		{fakeToken("xo"+"xb-", "1234-abcd", 30), "a Slack token"},
		{"https://hooks.slack" + ".com/services/T0000/B0000/" + fakeToken("", "XyZ1", 24), "a Slack webhook URL"},
		{fakeToken("AI"+"za", "Sy_9-aB3", 35), "a Google API key"},
		{"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.bm90LXJlYWw", "a JSON Web Token"},
		{"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.", "a JSON Web Token"},
		{"-----BEGIN RSA PRIVATE" + " KEY-----\nbm90\n-----END RSA PRIVATE KEY-----", "a PEM private key"},
		{"-----BEGIN PRIVATE" + " KEY-----", "a PEM private key"},
		{"-----BEGIN PGP PRIVATE KEY" + " BLOCK-----", "a PEM private key"},
		{fakeToken("sk"+"_live_", "4eC39HqLyjWDarjtT1", 24), "a Stripe live key"},
		{fakeToken("np"+"m_", "aB3dE6", 36), "an npm token"},
		{"postgres://app:s3cret@db:5432/shop", "a URL with an embedded password"},
		{"redis://:correct-horse@cache:6379/0", "a URL with an embedded password"},
		{"amqps://user:pa55@mq.example.com/vhost", "a URL with an embedded password"},
		{"Server=db;Database=orders;User Id=app;Password=Winter2025!;", "a connection string with a password"},
		{"host=db user=app pwd=hunter2 dbname=shop", "a connection string with a password"},

		{"", ""},
		{"info", ""},
		{"https://api.example.com/v1", ""},
		{"postgres://app@db:5432/shop", ""},
		{"postgres://app:$(DB_PASSWORD)@db:5432/shop", ""},
		{"postgres://app:****@db:5432/shop", ""},
		{"Server=db;Password=$(DB_PASSWORD);", ""},
		{"sk_test_4eC39HqLyjWDarjtT1zdp7dc", ""},
		{"-----BEGIN CERTIFICATE-----", ""},
		{"-----BEGIN PUBLIC KEY-----", ""},
		{"AKIA-not-a-key", ""},
		{"eyJ-short.x.y", ""},
	}
	for _, c := range cases {
		if got := credentialValueKind(c.value); got != c.want {
			t.Errorf("credentialValueKind(%.40q) = %q, want %q", c.value, got, c.want)
		}
	}
}

func TestLiteralCredentialReasons(t *testing.T) {
	jwt := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.bm90LXJlYWw"
	cases := []struct{ name, value, want string }{
		{"API_TOKEN", jwt, "its name looks like a credential (TOKEN) and the value looks like a JSON Web Token"},
		{"SESSION_SEED", jwt, "the value looks like a JSON Web Token"},
		{"DB_PASSWORD", "hunter2", "its name looks like a credential (PASSWORD)"},
		{"LOG_LEVEL", "debug", ""},
	}
	for _, c := range cases {
		if got := literalCredential(c.name, c.value); got != c.want {
			t.Errorf("literalCredential(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

// TestEnvCredentialMessagesNeverEchoValues plants secret values and checks that no message
// carries them, whatever rule matched.
func TestEnvCredentialMessagesNeverEchoValues(t *testing.T) {
	values := map[string]string{
		"DB_PASSWORD":  "Canary-Pa55word-0001",
		"SESSION_SEED": "eyJhbGciOiJIUzI1NiJ9.eyJjYW5hcnkiOiIwMDAyIn0.Y2FuYXJ5LTAwMDI",
		"REDIS_URL":    "redis://:Canary-0003@cache:6379/0",
		"MYSQL_DSN":    "app:Canary-0004@tcp(db:3306)/shop",
	}
	var env []corev1.EnvVar
	for n, v := range values {
		env = append(env, corev1.EnvVar{Name: n, Value: v})
	}
	spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Env: env}}}
	w := &check.Workload{Meta: &metav1.ObjectMeta{Name: "app"}, Spec: spec, Path: field.NewPath("spec")}
	vs, err := envLiteralCredentials.Run(&check.Env{}, w)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != len(values) {
		t.Fatalf("got %d violations, want %d: %+v", len(vs), len(values), vs)
	}
	for _, v := range vs {
		for _, secret := range values {
			for _, part := range []string{secret, "Canary"} {
				if strings.Contains(v.Message, part) {
					t.Errorf("message %q echoes a secret value", v.Message)
				}
			}
		}
		if !strings.HasSuffix(v.Path.String(), ".value") {
			t.Errorf("path %s does not point at the env value", v.Path)
		}
	}
}
