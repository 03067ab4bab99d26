// Command strata is the Kubernetes security posture engine's command line (also installable as
// the kubectl plugin kubectl-strata).
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/strata-sec/strata/internal/cli"
)

func main() {
	// A scan holds the whole inventory and posture in memory until it is rendered; with half the
	// default GC headroom, peak memory stays near the live set (GOGC in the environment wins).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Execute(ctx, os.Args[0], os.Args[1:], cli.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr})
	stop()
	os.Exit(code)
}
