// Command docgen writes the check reference (docs/checks) from the registered checks, the
// framework mappings and the checks' fixtures. It runs through `go generate ./internal/docs`;
// with -check it only reports whether the reference is up to date.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/strata-sec/strata/internal/checks"
	"github.com/strata-sec/strata/internal/docs"
	"github.com/strata-sec/strata/internal/framework"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("docgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "docs/checks", "directory to write the check reference to")
	root := fs.String("root", ".", "repository root, where internal/checks/<layer>/testdata holds the fixtures")
	onlyCheck := fs.Bool("check", false, "report stale files instead of writing them")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %v", fs.Args())
	}
	reg, err := checks.Registry()
	if err != nil {
		return fmt.Errorf("load checks: %w", err)
	}
	fw, err := framework.Load()
	if err != nil {
		return fmt.Errorf("load frameworks: %w", err)
	}
	// A mapping to a check that does not exist would publish coverage strata does not have.
	if err := fw.Validate(func(id string) bool { _, ok := reg.Lookup(id); return ok }); err != nil {
		return err
	}
	if *onlyCheck {
		return docs.Check(*out, reg.All(), fw, docs.WithRoot(*root))
	}
	return docs.Generate(*out, reg.All(), fw, docs.WithRoot(*root))
}
