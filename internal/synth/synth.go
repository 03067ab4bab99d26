package synth

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
)

// Options says what to generate.
type Options struct {
	// Workloads is the number of objects that embed a pod spec (Deployments, StatefulSets,
	// DaemonSets, Jobs, CronJobs and Pods).
	Workloads int
	// Others is the number of surrounding objects (Services, ConfigMaps, ServiceAccounts,
	// Roles, RoleBindings and NetworkPolicies).
	Others int
	// Seed makes the output reproducible: the same options always give the same bytes.
	Seed uint64
	// Namespaces is how many namespaces objects are spread over; 0 picks one per 50
	// workloads, at least 4 and at most 400.
	Namespaces int
}

func (o Options) validate() error {
	var errs []error
	if o.Workloads < 0 {
		errs = append(errs, fmt.Errorf("workloads must not be negative (got %d)", o.Workloads))
	}
	if o.Others < 0 {
		errs = append(errs, fmt.Errorf("others must not be negative (got %d)", o.Others))
	}
	if o.Namespaces < 0 {
		errs = append(errs, fmt.Errorf("namespaces must not be negative (got %d)", o.Namespaces))
	}
	return errors.Join(errs...)
}

func (o Options) namespaces() int {
	if o.Namespaces > 0 {
		return o.Namespaces
	}
	return min(max(o.Workloads/50, 4), 400)
}

// Generate writes opts.Workloads workload objects followed by opts.Others other objects to w
// as one multi-document YAML stream.
func Generate(w io.Writer, opts Options) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	first := true
	err := Emit(opts, func(doc []byte) error {
		if !first {
			if _, err := bw.WriteString("---\n"); err != nil {
				return err
			}
		}
		first = false
		_, err := bw.Write(doc)
		return err
	})
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write synthetic inventory: %w", err)
	}
	return nil
}

// Emit generates the same documents as Generate and passes each one, without a separator, to
// fn in order: workloads first, then other objects. doc is only valid during the call. Emit
// stops at the first error fn returns.
func Emit(opts Options, fn func(doc []byte) error) error {
	if err := opts.validate(); err != nil {
		return fmt.Errorf("synthetic inventory options: %w", err)
	}
	g := newGen(opts)
	for i := range opts.Workloads {
		g.d.Reset()
		g.workload(i)
		if err := fn(g.d.Bytes()); err != nil {
			return fmt.Errorf("emit workload %d: %w", i, err)
		}
	}
	for i := range opts.Others {
		g.d.Reset()
		g.other(i)
		if err := fn(g.d.Bytes()); err != nil {
			return fmt.Errorf("emit object %d: %w", i, err)
		}
	}
	return nil
}

// gen holds the random source and the document being written.
type gen struct {
	r  *rand.Rand
	ns []string
	// teamNS holds each team's namespaces, so a team's objects land in its own namespaces.
	teamNS map[string][]string
	d      doc
}

var (
	teams = []string{"payments", "checkout", "catalog", "search", "identity", "ledger", "billing",
		"notify", "orders", "shipping", "analytics", "media", "pricing", "reviews", "platform", "data"}
	envs = []string{"prod", "staging", "dev", "qa"}
	// roles are the second half of an application name, such as "payments-api".
	roles = []string{"api", "worker", "web", "sync", "consumer", "gateway", "cache", "db",
		"exporter", "scheduler", "importer", "frontend", "backend", "indexer", "proxy"}
)

func newGen(opts Options) *gen {
	// The second PCG word is fixed so a seed alone determines the stream.
	g := &gen{r: rand.New(rand.NewPCG(opts.Seed, 0x5eed_57a7a)), teamNS: map[string][]string{}}
	n := opts.namespaces()
	for i := range n {
		team := teams[i%len(teams)]
		ns := team + "-" + envs[(i/len(teams))%len(envs)]
		if round := i / (len(teams) * len(envs)); round > 0 {
			ns += "-" + strconv.Itoa(round+1)
		}
		g.ns = append(g.ns, ns)
		g.teamNS[team] = append(g.teamNS[team], ns)
	}
	return g
}

// namespace picks one of the team's namespaces, or any namespace when there are fewer
// namespaces than teams.
func (g *gen) namespace(team string) string {
	if nss := g.teamNS[team]; len(nss) > 0 {
		return g.pick(nss)
	}
	return g.pick(g.ns)
}

// chance is true with probability p.
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) pick(ss []string) string { return ss[g.r.IntN(len(ss))] }

// weighted returns an index into weights, chosen in proportion to the weights.
func (g *gen) weighted(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

const (
	alnum  = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	hexdig = "0123456789abcdef"
)

// token returns n random characters from alphabet.
func (g *gen) token(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

func (g *gen) digest() string { return "sha256:" + g.token(hexdig, 64) }

// doc is one YAML document under construction.
type doc struct{ bytes.Buffer }

const spaces = "                                                  "

func (d *doc) pad(ind int) { d.WriteString(spaces[:ind]) }

// kv writes "key: value"; value must already be a valid YAML scalar (see str).
func (d *doc) kv(ind int, key, value string) {
	d.pad(ind)
	d.WriteString(key)
	d.WriteString(": ")
	d.WriteString(value)
	d.WriteByte('\n')
}

// key opens a mapping or sequence: "key:".
func (d *doc) key(ind int, key string) {
	d.pad(ind)
	d.WriteString(key)
	d.WriteString(":\n")
}

// item writes the first field of a sequence item: "- key: value".
func (d *doc) item(ind int, key, value string) { d.kv(ind, "- "+key, value) }

// itemKey opens a mapping as the first field of a sequence item: "- key:".
func (d *doc) itemKey(ind int, key string) { d.key(ind, "- "+key) }

// listItem writes a scalar sequence item: "- value".
func (d *doc) listItem(ind int, value string) {
	d.pad(ind)
	d.WriteString("- ")
	d.WriteString(value)
	d.WriteByte('\n')
}

var plain = regexp.MustCompile(`^[A-Za-z_/][A-Za-z0-9_./@:-]*$`)

// reserved are plain scalars YAML would not read as strings.
var reserved = map[string]bool{"true": true, "false": true, "yes": true, "no": true, "on": true,
	"off": true, "null": true, "y": true, "n": true, "~": true}

// str renders s as a YAML string scalar, quoting it when a plain scalar would be read as
// something else.
func str(s string) string {
	if plain.MatchString(s) && !reserved[strings.ToLower(s)] && !strings.HasSuffix(s, ":") {
		return s
	}
	return strconv.Quote(s)
}

func itoa(n int) string { return strconv.Itoa(n) }

func boolean(b bool) string { return strconv.FormatBool(b) }

// metadata writes the metadata block of a top-level object.
func (g *gen) metadata(name, ns string, labels [][2]string) {
	g.d.key(0, "metadata")
	g.d.kv(2, "name", str(name))
	if ns != "" {
		g.d.kv(2, "namespace", str(ns))
	}
	if len(labels) > 0 {
		g.d.key(2, "labels")
		for _, l := range labels {
			g.d.kv(4, l[0], str(l[1]))
		}
	}
}
