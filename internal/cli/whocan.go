package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/utils/ptr"

	"github.com/strata-sec/strata/internal/rbac"
)

// rbacFlags are what who-can and access share: the input (manifest paths or --cluster) and the
// output format.
type rbacFlags struct {
	streams IOStreams
	cluster clusterFlags
	Format  string
	Paths   []string
}

func (f *rbacFlags) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&f.Format, "format", "table", "table or json")
	f.cluster.AddFlags(fs)
}

// complete records the flags set; keepNamespace leaves -n out of the live-only flags, for
// who-can, where it names the request's namespace in both modes.
func (f *rbacFlags) complete(cmd *cobra.Command, paths []string, keepNamespace bool) error {
	f.Paths = paths
	f.cluster.recordChanged(cmd.Flags())
	if keepNamespace {
		f.cluster.changed = slices.DeleteFunc(f.cluster.changed, func(n string) bool { return n == "namespace" })
	}
	if f.Format != "table" && f.Format != "json" {
		return usageErrorf("--format: %q is not table or json", f.Format)
	}
	if err := f.cluster.validate(f.Paths); err != nil {
		return err
	}
	if len(f.Paths) == 0 && !f.cluster.Enabled {
		return usageErrorf("needs at least one path (a file, a directory, or - for stdin), or --cluster")
	}
	return nil
}

func (f *rbacFlags) graph(ctx context.Context) (*rbac.Graph, error) {
	inv, err := loadKinds(ctx, f.streams, &f.cluster, f.Paths, rbac.Kinds)
	if err != nil {
		return nil, err
	}
	return rbac.FromInventory(inv)
}

type whoCanOptions struct {
	rbacFlags
	Name     string
	APIGroup string
	req      rbac.Request
}

// NewWhoCanCommand builds `strata who-can`.
func NewWhoCanCommand(streams IOStreams) *cobra.Command {
	o := &whoCanOptions{rbacFlags: rbacFlags{streams: streams}}
	cmd := &cobra.Command{
		Use:   "who-can VERB (RESOURCE[.GROUP][/SUBRESOURCE] | /NON-RESOURCE-URL) (PATH... | --cluster)",
		Short: "List every subject RBAC allows to make a request, with the binding, role and rule that grant it",
		Long: "List every subject (user, group, service account) that the Kubernetes RBAC authorizer would\n" +
			"allow to make a request, with the binding, role and rule that grant it. RoleBindings count only\n" +
			"for requests in their namespace (-n); ClusterRoleBindings count everywhere. Aggregated\n" +
			"ClusterRoles are resolved from manifests as the aggregation controller would; a live cluster's\n" +
			"stored rules are used as they are, with a note where they differ.",
		Example: "  strata who-can get secrets -n payments deploy/\n  strata who-can create pods/exec -n prod --cluster\n" +
			"  strata who-can patch deployments.apps --name web -n prod --cluster\n  strata who-can get /metrics --cluster",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usageErrorf("who-can needs a verb and a resource (or a non-resource URL)")
			}
			if err := o.complete(cmd, args[2:], true); err != nil {
				return err
			}
			if err := o.parseRequest(args[0], args[1]); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&o.Name, "name", "", "the object's name (rules with resourceNames match only named requests)")
	cmd.Flags().StringVar(&o.APIGroup, "api-group", "", "the resource's API group (default: from RESOURCE.GROUP, or the group of a built-in resource)")
	o.AddFlags(cmd.Flags())
	cmd.Flags().Lookup("namespace").Usage = "the request's namespace; without it only cluster-wide grants count"
	return cmd
}

// builtinGroups maps the built-in resources outside the core group to their API group, so
// that `who-can create deployments` means apps/deployments as kubectl would.
var builtinGroups = map[string]string{
	"deployments": "apps", "daemonsets": "apps", "statefulsets": "apps", "replicasets": "apps", "controllerrevisions": "apps",
	"jobs": "batch", "cronjobs": "batch",
	"roles": rbacv1.GroupName, "clusterroles": rbacv1.GroupName, "rolebindings": rbacv1.GroupName, "clusterrolebindings": rbacv1.GroupName,
	"networkpolicies": "networking.k8s.io", "ingresses": "networking.k8s.io", "ingressclasses": "networking.k8s.io",
	"certificatesigningrequests": "certificates.k8s.io", "tokenreviews": "authentication.k8s.io",
	"subjectaccessreviews": "authorization.k8s.io", "selfsubjectaccessreviews": "authorization.k8s.io",
	"validatingwebhookconfigurations": "admissionregistration.k8s.io", "mutatingwebhookconfigurations": "admissionregistration.k8s.io",
	"customresourcedefinitions": "apiextensions.k8s.io", "storageclasses": "storage.k8s.io", "csidrivers": "storage.k8s.io",
	"priorityclasses": "scheduling.k8s.io", "poddisruptionbudgets": "policy", "horizontalpodautoscalers": "autoscaling",
	"leases": "coordination.k8s.io", "endpointslices": "discovery.k8s.io", "runtimeclasses": "node.k8s.io",
}

func (o *whoCanOptions) parseRequest(verb, resource string) error {
	if verb == "" || strings.ContainsAny(verb, " /") {
		return usageErrorf("%q is not a verb", verb)
	}
	ns := ptr.Deref(o.cluster.kube.Namespace, "")
	if strings.HasPrefix(resource, "/") {
		if ns != "" || o.Name != "" || o.APIGroup != "" {
			return usageErrorf("a non-resource URL takes no --namespace, --name or --api-group")
		}
		o.req = rbac.Request{Verb: verb, NonResourceURL: resource}
		return nil
	}
	res, sub, _ := strings.Cut(resource, "/")
	res, group, dotted := strings.Cut(res, ".")
	if res == "" || strings.Contains(sub, "/") {
		return usageErrorf("%q is not RESOURCE[.GROUP][/SUBRESOURCE]", resource)
	}
	switch {
	case o.APIGroup != "" && dotted && group != o.APIGroup:
		return usageErrorf("%q names group %q but --api-group says %q", resource, group, o.APIGroup)
	case o.APIGroup != "":
		group = o.APIGroup
	case !dotted:
		group = builtinGroups[res]
	}
	o.req = rbac.Request{Verb: verb, APIGroup: group, Resource: res, Subresource: sub, Namespace: ns, Name: o.Name}
	return nil
}

// whoCanJSON is the JSON output of who-can.
type whoCanJSON struct {
	Request          rbac.Request           `json:"request"`
	Subjects         []rbac.SubjectGrants   `json:"subjects"`
	AggregationDiffs []rbac.AggregationDiff `json:"aggregationDiffs,omitempty"`
}

func (o *whoCanOptions) Run(ctx context.Context) error {
	g, err := o.graph(ctx)
	if err != nil {
		return err
	}
	subjects := g.WhoCan(o.req)
	if o.Format == "json" {
		out := whoCanJSON{Request: o.req, Subjects: subjects, AggregationDiffs: g.AggregationDiffs()}
		if out.Subjects == nil {
			out.Subjects = []rbac.SubjectGrants{}
		}
		return writeJSON(o.streams.Out, out)
	}
	w := tabwriter.NewWriter(o.streams.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SUBJECT\tSCOPE\tBINDING\tROLE\tRULE")
	for _, sg := range subjects {
		for _, gr := range sg.Grants {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", sg.Subject, scope(gr.Namespace), gr.Binding, gr.Role, ruleString(gr.Rule))
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(subjects) == 0 {
		fmt.Fprintf(o.streams.Out, "no subject may %s\n", describeRequest(o.req))
	}
	fmt.Fprintln(o.streams.Out, "note: members of group system:masters may do anything without any RBAC grant")
	writeAggregationNotes(o.streams.Out, g.AggregationDiffs())
	return nil
}

func writeAggregationNotes(w io.Writer, diffs []rbac.AggregationDiff) {
	for _, d := range diffs {
		fmt.Fprintf(w, "note: %s holds %d rule(s) but its aggregationRule selects %d; the answer uses the stored rules\n",
			d.Role, len(d.Stored), len(d.Computed))
	}
}

func scope(ns string) string {
	if ns == "" {
		return "cluster-wide"
	}
	return "namespace " + ns
}

func describeRequest(r rbac.Request) string {
	if r.NonResourceURL != "" {
		return r.Verb + " " + r.NonResourceURL
	}
	s := r.Verb + " " + r.Resource
	if r.APIGroup != "" {
		s += "." + r.APIGroup
	}
	if r.Subresource != "" {
		s += "/" + r.Subresource
	}
	if r.Name != "" {
		s += " " + r.Name
	}
	if r.Namespace != "" {
		s += " in namespace " + r.Namespace
	} else {
		s += " cluster-wide"
	}
	return s
}

// ruleString renders a rule compactly: verbs, then resources qualified by group, then names.
func ruleString(r rbacv1.PolicyRule) string {
	verbs := strings.Join(r.Verbs, ",")
	if len(r.NonResourceURLs) > 0 {
		return verbs + " " + strings.Join(r.NonResourceURLs, ",")
	}
	groups := make([]string, len(r.APIGroups))
	for i, g := range r.APIGroups {
		groups[i] = cmp.Or(g, "core")
	}
	s := fmt.Sprintf("%s %s (%s)", verbs, strings.Join(r.Resources, ","), strings.Join(groups, ","))
	if len(r.ResourceNames) > 0 {
		s += " names=" + strings.Join(r.ResourceNames, ",")
	}
	return s
}
