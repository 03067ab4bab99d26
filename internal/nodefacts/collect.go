package nodefacts

import (
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Options tune a collection.
type Options struct {
	// Now is the collection time; zero means time.Now().
	Now time.Time
}

// Collect reads the facts of the node whose filesystem is at root ("/" for the host). Files
// that are absent are recorded as absent; the returned errors are for things that are present
// but could not be read or parsed (permission denied, oversized, malformed). The error list
// is nil only when everything present was read. Collect fails outright (nil facts) only when
// root itself cannot be opened.
func Collect(root string, opts Options) (*Facts, []error) {
	rfs, err := openRootFS(root)
	if err != nil {
		return nil, []error{err}
	}
	defer rfs.Close()
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	c := &collector{fs: rfs, f: newFacts(root, now)}
	c.hostname()
	c.users()
	procs := c.processes()
	c.kubelet(procs)
	c.controlPlane(procs)
	c.auditPolicy()
	c.files()
	c.kernel()
	c.security()
	c.sysctls()
	c.listeners(procs)
	c.sshd()
	c.runtimeSockets()
	c.seccompProfiles()
	return c.f, c.errs
}

func newFacts(root string, now time.Time) *Facts {
	return &Facts{
		TypeMeta:      metav1.TypeMeta{APIVersion: APIVersion, Kind: KindName},
		SchemaVersion: SchemaVersion,
		Root:          root,
		CollectedAt:   metav1.NewTime(now.UTC().Truncate(time.Second)),
		Sysctls:       map[string]string{},
	}
}

// collector carries one collection's state.
type collector struct {
	fs   *rootFS
	f    *Facts
	errs []error
	uids map[int]string
	gids map[int]string
}

func (c *collector) fail(err error) {
	if err != nil {
		c.errs = append(c.errs, err)
	}
}

// hostname reads /etc/hostname, then the kernel's; a node with neither is "unknown".
func (c *collector) hostname() {
	for _, p := range []string{"/etc/hostname", "/proc/sys/kernel/hostname"} {
		s, ok, err := c.fs.readTrim(p)
		c.fail(err)
		if ok && s != "" {
			s, _, _ = strings.Cut(s, "\n")
			c.f.Hostname = strings.TrimSpace(s)
			break
		}
	}
	if c.f.Hostname == "" {
		c.f.Hostname = "unknown"
	}
	c.f.Name = c.f.Hostname
}
