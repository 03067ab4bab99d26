package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/strata-sec/strata/internal/rbac"
)

type accessOptions struct {
	rbacFlags
	subject rbac.Subject
}

// NewAccessCommand builds `strata access`.
func NewAccessCommand(streams IOStreams) *cobra.Command {
	o := &accessOptions{rbacFlags: rbacFlags{streams: streams}}
	cmd := &cobra.Command{
		Use:   "access SUBJECT (PATH... | --cluster)",
		Short: "Show everything a subject may do through RBAC, grouped by risk",
		Long: "Show every RBAC rule that applies to a subject — sa:NAMESPACE/NAME, user:NAME or group:NAME —\n" +
			"through bindings naming it or one of its groups (a service account is also in\n" +
			"system:serviceaccounts, system:serviceaccounts:NAMESPACE and system:authenticated; a user in\n" +
			"system:authenticated), with where each applies, grouped from the most dangerous to the least.",
		Example: "  strata access sa:kube-system/replicaset-controller --cluster\n  strata access user:alice deploy/\n" +
			"  strata access group:devs --cluster --format json",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 {
				return usageErrorf("access needs a subject: sa:NAMESPACE/NAME, user:NAME or group:NAME")
			}
			s, err := rbac.ParseSubject(args[0])
			if err != nil {
				return usageErrorf("%v", err)
			}
			o.subject = s
			if err := o.complete(cmd, args[1:], false); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// accessGrant is one rule a subject holds, with its risk category.
type accessGrant struct {
	Category rbac.Category `json:"category"`
	rbac.Grant
}

// accessJSON is the JSON output of access.
type accessJSON struct {
	Subject          rbac.Subject           `json:"subject"`
	User             string                 `json:"user,omitempty"`
	Groups           []string               `json:"groups"`
	Grants           []accessGrant          `json:"grants"`
	AggregationDiffs []rbac.AggregationDiff `json:"aggregationDiffs,omitempty"`
}

func (o *accessOptions) Run(ctx context.Context) error {
	g, err := o.graph(ctx)
	if err != nil {
		return err
	}
	user, groups := rbac.UserInfo(o.subject)
	byCat := map[rbac.Category][]rbac.Grant{}
	for _, gr := range g.Access(o.subject) {
		c := rbac.Classify(gr.Rule)
		byCat[c] = append(byCat[c], gr)
	}
	out := accessJSON{Subject: o.subject, User: user, Groups: groups, Grants: []accessGrant{}, AggregationDiffs: g.AggregationDiffs()}
	for _, c := range rbac.Categories {
		for _, gr := range byCat[c] {
			out.Grants = append(out.Grants, accessGrant{Category: c, Grant: gr})
		}
	}
	if o.Format == "json" {
		return writeJSON(o.streams.Out, out)
	}
	fmt.Fprintf(o.streams.Out, "%s (user %q, groups %v)\n", o.subject, user, groups)
	if len(out.Grants) == 0 {
		fmt.Fprintln(o.streams.Out, "no RBAC rule applies to this subject")
	} else {
		w := tabwriter.NewWriter(o.streams.Out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "RISK\tSCOPE\tRULE\tBINDING\tROLE\tVIA")
		for _, gr := range out.Grants {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", gr.Category, scope(gr.Namespace), ruleString(gr.Rule), gr.Binding, gr.Role, gr.Via)
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	writeAggregationNotes(o.streams.Out, g.AggregationDiffs())
	return nil
}
