// Command synth writes a synthetic Kubernetes inventory for benchmarks and load tests:
//
//	go run ./cmd/synth -workloads 10000 -others 2000 -seed 1 -out inventory.yaml
//	go run ./cmd/synth -workloads 10000 -files 100 -out dir/
//
// The output is deterministic for a seed. With -files N > 1, -out is a directory and the same
// documents are spread over N files named synth-000.yaml and up.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/strata-sec/strata/internal/synth"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts synth.Options
	fs.IntVar(&opts.Workloads, "workloads", 1000, "number of workload objects (Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, Pods)")
	fs.IntVar(&opts.Others, "others", 0, "number of other objects (Services, ConfigMaps, ServiceAccounts, Roles, RoleBindings, NetworkPolicies)")
	fs.Uint64Var(&opts.Seed, "seed", 1, "random seed; the same seed gives the same output")
	fs.IntVar(&opts.Namespaces, "namespaces", 0, "number of namespaces (0: one per 50 workloads, 4 to 400)")
	out := fs.String("out", "", "output file, or directory with -files; empty or - for standard output")
	files := fs.Int("files", 1, "spread the documents over this many files in the -out directory")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch {
	case *files < 1:
		return fmt.Errorf("-files must be at least 1 (got %d)", *files)
	case *files > 1 && (*out == "" || *out == "-"):
		return errors.New("-files needs -out DIR")
	case *files > 1:
		_, err := synth.WriteFiles(*out, *files, opts)
		return err
	case *out == "" || *out == "-":
		return synth.Generate(stdout, opts)
	}
	return writeFile(*out, opts)
}

func writeFile(path string, opts synth.Options) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	return synth.Generate(f, opts)
}
