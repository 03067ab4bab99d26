package image

import (
	"regexp"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/strata-sec/strata/internal/imagefacts"
	"github.com/strata-sec/strata/internal/redact"
)

// credentialEnvName matches environment names that hold credentials. Names that point at a
// file holding the secret (PASSWORD_FILE) are not credentials themselves.
var (
	credentialEnvName = regexp.MustCompile(`(?i)(passw(or)?d|passphrase|secret|token|api_?key|access_?key|private_?key|credentials?|(^|_)auth($|_)|_pwd$)`)
	credentialEnvRef  = regexp.MustCompile(`(?i)_(file|path|dir|url|host|port|user(name)?|id|name|enabled?)$`)
)

// configFacts extracts the security-relevant configuration; environment values are read only
// to tell whether they are empty and are never kept.
func configFacts(cf *v1.ConfigFile) imagefacts.Config {
	c := cf.Config
	out := imagefacts.Config{
		User: c.User, UID: -1, Entrypoint: c.Entrypoint, Cmd: c.Cmd, WorkingDir: c.WorkingDir,
	}
	for p := range c.ExposedPorts {
		out.ExposedPorts = append(out.ExposedPorts, p)
	}
	sort.Strings(out.ExposedPorts)
	for _, kv := range c.Env {
		k, v, _ := strings.Cut(kv, "=")
		if k == "" {
			continue
		}
		out.EnvNames = append(out.EnvNames, k)
		if v != "" && credentialEnvName.MatchString(k) && !credentialEnvRef.MatchString(k) {
			out.CredentialEnv = append(out.CredentialEnv, k)
		}
	}
	if len(c.Labels) > 0 {
		out.Labels = make(map[string]string, len(c.Labels))
		for k, v := range c.Labels {
			out.Labels[k] = redact.String(v)
		}
	}
	if !cf.Created.IsZero() {
		out.Created = cf.Created.UTC().Format(time.RFC3339)
	}
	return out
}
