package cli

import (
	"context"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/podspec"
	"github.com/strata-sec/strata/internal/rbac"
	"github.com/strata-sec/strata/internal/rbac/paths"
)

// pathsKinds are what the escalation graph reads: the RBAC objects, the service accounts and
// the pods that run as them, and Secrets for legacy tokens (metadata only on a live cluster).
var pathsKinds = slices.Concat(paths.RBACKinds,
	[]schema.GroupKind{paths.ServiceAccountGK, paths.SecretGK}, podspec.Kinds)

type pathsOptions struct {
	streams IOStreams
	cluster clusterFlags
	From    string
	To      string
	Format  string
	Paths   []string
}

// NewPathsCommand builds `strata paths`.
func NewPathsCommand(streams IOStreams) *cobra.Command {
	o := &pathsOptions{streams: streams}
	cmd := &cobra.Command{
		Use:   "paths [--from SUBJECT] [--to cluster-admin|secrets|nodes|SUBJECT] (PATH... | --cluster)",
		Short: "Show the shortest RBAC escalation path from each identity to cluster-admin, Secrets, nodes or another identity",
		Long: "Build the RBAC escalation graph — who can become whom by creating pods that run as a service\n" +
			"account, exec into its pods, minting or reading its token, impersonating it, or binding roles —\n" +
			"and print the shortest path to a target, with the binding, role and rule behind every step.\n" +
			"Without --from, every identity that is not part of Kubernetes itself is searched; --to defaults\n" +
			"to cluster-admin. Subjects are sa:NAMESPACE/NAME, user:NAME or group:NAME.",
		Example: "  strata paths deploy/\n  strata paths --from sa:ci/deployer --to secrets --cluster\n" +
			"  strata paths --to nodes --format dot deploy/ | dot -Tsvg > paths.svg\n" +
			"  strata paths --format mermaid --cluster",
		RunE: runOptions(o),
	}
	o.AddFlags(cmd)
	return cmd
}

func (o *pathsOptions) AddFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&o.From, "from", "", "start from this identity (sa:NAMESPACE/NAME, user:NAME or group:NAME); default every non-system identity")
	fs.StringVar(&o.To, "to", paths.TargetClusterAdmin, "the target: cluster-admin, secrets, nodes, or an identity")
	fs.StringVar(&o.Format, "format", "text", "output format: "+strings.Join(paths.Formats, ", "))
	o.cluster.AddFlags(fs)
}

func (o *pathsOptions) Complete(cmd *cobra.Command, args []string) error {
	o.Paths = args
	o.cluster.recordChanged(cmd.Flags())
	return nil
}

// Validate checks the flags' forms before anything is read, so a typo is a usage error rather
// than an empty answer computed from the whole input.
func (o *pathsOptions) Validate() error {
	if !slices.Contains(paths.Formats, o.Format) {
		return usageErrorf("--format: %q is not one of %s", o.Format, strings.Join(paths.Formats, ", "))
	}
	if o.From != "" {
		if _, err := rbac.ParseSubject(o.From); err != nil {
			return usageErrorf("--from: %v", err)
		}
	}
	switch o.To {
	case paths.TargetClusterAdmin, paths.TargetSecrets, paths.TargetNodes:
	default:
		if _, err := rbac.ParseSubject(o.To); err != nil {
			return usageErrorf("--to: %v (or cluster-admin, secrets, nodes)", err)
		}
	}
	if err := o.cluster.validate(o.Paths); err != nil {
		return err
	}
	// A path crosses namespaces: an answer from some of them could miss the shortest one.
	if len(o.cluster.namespaces()) > 0 {
		return usageErrorf("--namespace: paths reads every namespace, since an escalation path may cross them")
	}
	if len(o.Paths) == 0 && !o.cluster.Enabled {
		return usageErrorf("needs at least one path (a file, a directory, or - for stdin), or --cluster")
	}
	return nil
}

func (o *pathsOptions) Run(ctx context.Context) error {
	inv, err := loadKinds(ctx, o.streams, &o.cluster, o.Paths, pathsKinds)
	if err != nil {
		return err
	}
	g, err := paths.Build(inv)
	if err != nil {
		return err
	}
	ps, err := g.Find(paths.Query{From: o.From, To: o.To})
	if err != nil {
		// The forms were checked; what is left is a subject the input does not hold.
		return usageErrorf("%v", err)
	}
	return paths.Render(o.streams.Out, o.Format, ps)
}
