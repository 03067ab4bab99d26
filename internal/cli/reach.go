package cli

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/inventory/manifest"
	"github.com/strata-sec/strata/internal/netpol"
)

// internetAddr stands for "the internet" (TEST-NET-3, RFC 5737): an address that no ipBlock
// meant for a private network contains, yet 0.0.0.0/0 does.
var internetAddr = netip.MustParseAddr("203.0.113.1")

type reachOptions struct {
	streams IOStreams
	cluster clusterFlags
	Port    string
	Format  string
	Matrix  bool

	// Set by Complete.
	from, to string
	paths    []string
	port     int32 // 0: every port the destination declares
	proto    corev1.Protocol
	onlyNS   []string
}

// NewReachCommand builds 'strata reach': may one workload, pod or address connect to another
// under the NetworkPolicies of the input, and which policies decide it.
func NewReachCommand(streams IOStreams) *cobra.Command {
	o := &reachOptions{streams: streams}
	cmd := &cobra.Command{
		Use:   "reach (FROM TO | --matrix) [PATH... | --cluster]",
		Short: "Say whether FROM may connect to TO under the NetworkPolicies, and which policies decide it",
		Long: "Evaluate the NetworkPolicies of manifests (files, directories, - for stdin) or, with --cluster, of\n" +
			"the live cluster. FROM and TO are namespace/name of a workload (Deployment, StatefulSet, ...) or of a\n" +
			"pod, an IP address, or 'internet' (203.0.113.1). Without --port every port the destination declares\n" +
			"is tried. With --matrix, print which workload may connect to which (-n restricts the namespaces).\n" +
			"The answer covers NetworkPolicy only: a CNI that ignores NetworkPolicy allows everything.",
		Example: "  strata reach shop/web shop/db --port 5432 deploy/\n" +
			"  strata reach internet shop/web deploy/\n" +
			"  strata reach shop/api 169.254.169.254 --port 80/TCP --cluster\n" +
			"  strata reach --matrix -n shop --format json deploy/",
		RunE: runOptions(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func (o *reachOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Port, "port", "", "destination port as N or N/PROTOCOL (TCP, UDP, SCTP); default: every port the destination declares")
	fs.StringVar(&o.Format, "format", "table", "output format: table, json")
	fs.BoolVar(&o.Matrix, "matrix", false, "print the workload-to-workload reachability matrix instead of one answer")
	o.cluster.AddFlags(fs)
}

// Complete splits the arguments into FROM, TO and paths. -n is this command's namespace filter
// for the matrix, not a load restriction, so it does not require --cluster.
func (o *reachOptions) Complete(cmd *cobra.Command, args []string) error {
	o.cluster.recordChanged(cmd.Flags())
	o.cluster.changed = slices.DeleteFunc(o.cluster.changed, func(n string) bool { return n == "namespace" })
	o.onlyNS = o.cluster.namespaces()
	if !o.Matrix {
		if len(args) < 2 {
			return usageErrorf("reach needs FROM and TO (namespace/name, an IP address or internet), or --matrix")
		}
		o.from, o.to, args = args[0], args[1], args[2:]
	}
	o.paths = args
	// The whole cluster is always loaded: policies and namespaces outside -n decide traffic too.
	if o.cluster.kube != nil {
		o.cluster.kube.Namespace = nil
	}
	return nil
}

func (o *reachOptions) Validate() error {
	if len(o.onlyNS) > 0 && !o.Matrix {
		return usageErrorf("--namespace only applies to --matrix")
	}
	if err := o.cluster.validate(o.paths); err != nil {
		return err
	}
	if len(o.paths) == 0 && !o.cluster.Enabled {
		return usageErrorf("reach needs at least one path (a file, a directory, or - for stdin), or --cluster")
	}
	if o.Format != "table" && o.Format != "json" {
		return usageErrorf("--format: unknown format %q (valid: table, json)", o.Format)
	}
	var err error
	o.port, o.proto, err = parsePort(o.Port)
	return err
}

// parsePort reads N or N/PROTOCOL; "" means every declared port.
func parsePort(s string) (int32, corev1.Protocol, error) {
	if s == "" {
		return 0, corev1.ProtocolTCP, nil
	}
	num, proto, _ := strings.Cut(s, "/")
	n, err := strconv.ParseInt(num, 10, 32)
	if err != nil || n < 1 || n > 65535 {
		return 0, "", usageErrorf("--port: %q is not a port number from 1 to 65535", num)
	}
	p := corev1.Protocol(strings.ToUpper(proto))
	switch p {
	case "":
		p = corev1.ProtocolTCP
	case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
	default:
		return 0, "", usageErrorf("--port: unknown protocol %q (valid: TCP, UDP, SCTP)", proto)
	}
	return int32(n), p, nil
}

// Run loads the input, builds the policy engine and answers.
func (o *reachOptions) Run(ctx context.Context) error {
	inv, err := o.load(ctx)
	if err != nil {
		return err
	}
	e, err := netpol.FromInventory(inv)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if o.Matrix {
		return o.writeMatrix(e)
	}
	from, err := resolveEndpoint(e, o.from)
	if err != nil {
		return err
	}
	to, err := resolveEndpoint(e, o.to)
	if err != nil {
		return err
	}
	ports := []int32{o.port}
	if o.port == 0 {
		if ports = declaredPorts(to.Pod, o.proto); len(ports) == 0 {
			return usageErrorf("%s declares no %s port: give one with --port", to, o.proto)
		}
	}
	var answers []reachAnswer
	for _, p := range ports {
		answers = append(answers, newAnswer(from, to, p, o.proto, e.Allowed(from, to, p, o.proto)))
	}
	return o.writeAnswers(answers)
}

// load reads manifests, or the live cluster through the same loader as 'strata scan'.
func (o *reachOptions) load(ctx context.Context) (check.Inventory, error) {
	if o.cluster.Enabled {
		so := &scanOptions{streams: o.streams, cluster: o.cluster, checks: []check.Check{&check.ClusterCheck{Reads: netpol.Inputs}}}
		in, err := so.loadCluster(ctx)
		if err != nil {
			return nil, err
		}
		for _, gk := range []schema.GroupKind{{Kind: "Namespace"}, {Kind: "Pod"}, {Group: "networking.k8s.io", Kind: "NetworkPolicy"}} {
			if ok, reason := in.inv.Assessable(gk); !ok {
				return nil, fmt.Errorf("cannot read %s: %s; reachability cannot be decided without them", gk.Kind, reason)
			}
		}
		return in.inv, nil
	}
	res, err := manifest.Load(ctx, o.paths, manifest.Options{Stdin: o.streams.In})
	if err != nil {
		return nil, fmt.Errorf("read manifests: %w", err)
	}
	if len(res.Errors) > 0 {
		for _, ie := range res.Errors {
			fmt.Fprintf(o.streams.ErrOut, "%s:%d: %s\n", ie.File, ie.Line, ie.Message)
		}
		return nil, usageErrorf("%d input error(s): reachability is not decided on a partial input", len(res.Errors))
	}
	return inventory.NewIndex(res.Objects), nil
}

// resolveEndpoint turns FROM or TO into an endpoint: internet, an IP address, or namespace/name
// of a workload or pod. Anything else is a usage error naming close matches.
func resolveEndpoint(e *netpol.Engine, s string) (netpol.Endpoint, error) {
	if strings.EqualFold(s, "internet") {
		return netpol.IPEndpoint(internetAddr), nil
	}
	if ip, err := netip.ParseAddr(s); err == nil {
		return netpol.IPEndpoint(ip), nil
	}
	ns, name, ok := strings.Cut(s, "/")
	if ok {
		for _, p := range e.Pods() {
			if p.Owner.Namespace == ns && p.Owner.Name == name {
				return netpol.PodEndpoint(p), nil
			}
		}
		for _, p := range e.Pods() {
			if p.Namespace == ns && p.Name == name {
				return netpol.PodEndpoint(p), nil
			}
		}
	}
	msg := fmt.Sprintf("%q is not a workload or pod of the input (namespace/name), an IP address or internet", s)
	if near := closeMatches(e, s); len(near) > 0 {
		msg += "; did you mean " + strings.Join(near, ", ") + "?"
	}
	return netpol.Endpoint{}, usageErrorf("%s", msg)
}

// closeMatches lists up to five namespace/name candidates near s: the same name in another
// namespace, a name containing s's name, or within a small edit distance.
func closeMatches(e *netpol.Engine, s string) []string {
	_, name, _ := strings.Cut(s, "/")
	if name == "" {
		name = s
	}
	type cand struct {
		name string
		dist int
	}
	var cands []cand
	seen := map[string]bool{}
	for _, p := range e.Pods() {
		for _, c := range []string{p.Owner.Namespace + "/" + p.Owner.Name, p.String()} {
			if seen[c] {
				continue
			}
			seen[c] = true
			_, cn, _ := strings.Cut(c, "/")
			d := editDistance(strings.ToLower(s), strings.ToLower(c))
			if cn == name || strings.Contains(cn, name) || strings.Contains(name, cn) || d <= max(2, len(s)/3) {
				cands = append(cands, cand{c, d})
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].dist < cands[j].dist })
	var out []string
	for i := 0; i < len(cands) && i < 5; i++ {
		out = append(out, cands[i].name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// declaredPorts lists the distinct ports of proto a pod declares, in order; nil for an IP.
func declaredPorts(p *netpol.Pod, proto corev1.Protocol) []int32 {
	if p == nil {
		return nil
	}
	var out []int32
	for _, cp := range p.Ports {
		pp := cp.Protocol
		if pp == "" {
			pp = corev1.ProtocolTCP
		}
		if pp == proto && cp.Number > 0 && !slices.Contains(out, cp.Number) {
			out = append(out, cp.Number)
		}
	}
	return out
}

// reachAnswer is one decision as the JSON output shows it.
type reachAnswer struct {
	From     string         `json:"from"`
	To       string         `json:"to"`
	Port     int32          `json:"port"`
	Protocol string         `json:"protocol"`
	Allowed  bool           `json:"allowed"`
	Egress   reachDirection `json:"egress"`
	Ingress  reachDirection `json:"ingress"`
}

// reachDirection is one side's decision: the source's egress or the destination's ingress.
type reachDirection struct {
	Allowed   bool     `json:"allowed"`
	Isolated  bool     `json:"isolated"`
	Selecting []string `json:"selectingPolicies"`
	Allowing  []string `json:"allowingPolicies"`
	Reason    string   `json:"reason"`
}

func newAnswer(from, to netpol.Endpoint, port int32, proto corev1.Protocol, v netpol.Verdict) reachAnswer {
	dir := func(d netpol.DirectionVerdict) reachDirection {
		return reachDirection{Allowed: d.Allowed, Isolated: d.Isolated, Selecting: nonNil(d.Selecting),
			Allowing: nonNil(d.Policies), Reason: d.Reason}
	}
	return reachAnswer{From: from.String(), To: to.String(), Port: port, Protocol: string(proto),
		Allowed: v.Allowed, Egress: dir(v.Egress), Ingress: dir(v.Ingress)}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (o *reachOptions) writeAnswers(answers []reachAnswer) error {
	if o.Format == "json" {
		return writeJSON(o.streams.Out, answers)
	}
	for _, a := range answers {
		verdict := "denied"
		if a.Allowed {
			verdict = "allowed"
		}
		fmt.Fprintf(o.streams.Out, "%s -> %s on %d/%s: %s\n", a.From, a.To, a.Port, a.Protocol, verdict)
		fmt.Fprintf(o.streams.Out, "  egress of %s: %s\n", a.From, a.Egress.Reason)
		fmt.Fprintf(o.streams.Out, "  ingress of %s: %s\n", a.To, a.Ingress.Reason)
	}
	return nil
}

// matrixOutput is the JSON form of the matrix: Allowed[i][j] is whether Workloads[i] may
// connect to Workloads[j] (on Port, or on some port the destination declares when Port is 0).
type matrixOutput struct {
	Port      int32    `json:"port,omitempty"`
	Protocol  string   `json:"protocol"`
	Workloads []string `json:"workloads"`
	Allowed   [][]bool `json:"allowed"`
}

// writeMatrix prints the workload-to-workload matrix: one representative pod per workload
// (the pods of one workload share its template's labels and ports).
func (o *reachOptions) writeMatrix(e *netpol.Engine) error {
	var pods []*netpol.Pod
	var names []string
	seen := map[string]bool{}
	for _, p := range e.Pods() {
		name := p.Owner.Namespace + "/" + p.Owner.Name
		if seen[name] || (len(o.onlyNS) > 0 && !slices.Contains(o.onlyNS, p.Namespace)) {
			continue
		}
		seen[name] = true
		pods, names = append(pods, p), append(names, name)
	}
	if len(o.onlyNS) > 0 && len(pods) == 0 {
		return usageErrorf("no workload in namespace %s in the input", strings.Join(o.onlyNS, ", "))
	}
	m := matrixOutput{Port: o.port, Protocol: string(o.proto), Workloads: names}
	if o.port != 0 {
		m.Allowed = e.Matrix(pods, o.port, o.proto)
	} else {
		m.Allowed = anyPortMatrix(e, pods, o.proto)
	}
	if o.Format == "json" {
		return writeJSON(o.streams.Out, m)
	}
	return writeMatrixTable(o.streams.Out, m)
}

// anyPortMatrix marks i→j allowed when some port j declares is allowed.
func anyPortMatrix(e *netpol.Engine, pods []*netpol.Pod, proto corev1.Protocol) [][]bool {
	out := make([][]bool, len(pods))
	for i, src := range pods {
		out[i] = make([]bool, len(pods))
		for j, dst := range pods {
			for _, port := range declaredPorts(dst, proto) {
				if e.Allowed(netpol.PodEndpoint(src), netpol.PodEndpoint(dst), port, proto).Allowed {
					out[i][j] = true
					break
				}
			}
		}
	}
	return out
}

func writeMatrixTable(w io.Writer, m matrixOutput) error {
	on := "on a port the destination declares (" + m.Protocol + ")"
	if m.Port != 0 {
		on = fmt.Sprintf("on %d/%s", m.Port, m.Protocol)
	}
	fmt.Fprintf(w, "FROM (rows) may connect TO (columns) %s; columns are numbered as the rows\n", on)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := []string{"FROM \\ TO"}
	for i := range m.Workloads {
		header = append(header, strconv.Itoa(i+1))
	}
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for i, name := range m.Workloads {
		row := []string{fmt.Sprintf("%d %s", i+1, name)}
		for _, ok := range m.Allowed[i] {
			cell := "-"
			if ok {
				cell = "yes"
			}
			row = append(row, cell)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write matrix: %w", err)
	}
	return nil
}
