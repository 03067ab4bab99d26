package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// Execute runs the command line args (without the program name) and returns the exit code.
// name is the program name: invoked as kubectl-strata, strata presents itself as a kubectl
// plugin.
func Execute(ctx context.Context, name string, args []string, streams IOStreams) int {
	root := NewRootCommand(streams, name)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		var ee *exitError
		if !errors.As(err, &ee) || ee.err != nil {
			fmt.Fprintf(streams.ErrOut, "Error: %v\n", err)
		}
	}
	return exitCode(err)
}

// NewRootCommand builds the strata command tree.
func NewRootCommand(streams IOStreams, name string) *cobra.Command {
	use := "strata"
	if strings.HasPrefix(filepath.Base(name), "kubectl-strata") {
		use = "kubectl strata"
	}
	var verbose bool
	root := &cobra.Command{
		Use:   use,
		Short: "Kubernetes security posture at every layer, with the fix for each gap",
		Long: "strata finds the security gaps in Kubernetes manifests and clusters at every layer of the\n" +
			"stack (kernel, container, workload, network, node, cluster), explains each one and says exactly\n" +
			"how to fix it.",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			level := slog.LevelWarn
			if verbose {
				level = slog.LevelDebug
			}
			logger := slog.New(slog.NewTextHandler(streams.ErrOut, &slog.HandlerOptions{Level: level}))
			cmd.SetContext(withLogger(cmd.Context(), logger))
		},
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.PersistentFlags().BoolVarP(&verbose, "verbose", "v", false, "log progress and decisions to stderr")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErrorf("%v", err) })
	root.AddCommand(newScanCommand(streams), newChecksCommand(streams), newVersionCommand(streams), newDBCommand(streams), NewReachCommand(streams),
		NewWhoCanCommand(streams), NewAccessCommand(streams), NewPathsCommand(streams), newNodeCommand(streams),
		newWatchCommand(streams), newServeCommand(streams))
	root.AddCommand(newImageCommand(streams), newSBOMCommand(streams))
	root.AddCommand(newDiffCommand(streams))
	return root
}

type loggerKey struct{}

func withLogger(ctx context.Context, l *slog.Logger) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithValue(ctx, loggerKey{}, l)
}

// logger returns the logger carried in ctx, or a discarding one.
func logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.New(slog.DiscardHandler)
}
