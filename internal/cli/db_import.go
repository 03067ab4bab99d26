package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/strata-sec/strata/internal/vulndb/osv"
)

// maxListedProblems bounds how many skipped records import names one by one; the rest are
// counted.
const maxListedProblems = 50

type dbImportOptions struct {
	streams IOStreams
	DBDir   string

	// Set by Complete.
	src string
	dir string
}

func newDBImportCommand(streams IOStreams) *cobra.Command {
	o := &dbImportOptions{streams: streams}
	cmd := &cobra.Command{
		Use:   "import PATH",
		Short: "Import OSV vulnerability records into the offline database image scans match packages against",
		Long: "import reads OSV records (https://ossf.github.io/osv-schema/) from PATH — an ecosystem export\n" +
			"such as osv.dev's all.zip, a directory searched recursively for .json records, or one .json\n" +
			"record — and merges them into strata's OSV database ($XDG_DATA_HOME/strata/osv, or\n" +
			"~/.local/share/strata/osv). A record already in the database is replaced only by a copy\n" +
			"modified later, so exports of several ecosystems can be imported one after another. Invalid\n" +
			"records are skipped and listed. The database is switched to the new contents only once they\n" +
			"are completely written: a failed import leaves the previous database as it was.\n" +
			"See docs/vulnerability-db.md for where to download exports.",
		Example: "  strata db import Debian-all.zip\n  strata db import ./osv-records/ --db-dir /var/lib/strata/osv",
		RunE:    runOptions(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func (o *dbImportOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.DBDir, "db-dir", "", "directory of the OSV database (default $XDG_DATA_HOME/strata/osv or ~/.local/share/strata/osv)")
}

// Complete takes PATH and resolves the database directory.
func (o *dbImportOptions) Complete(_ *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usageErrorf("import needs exactly one PATH (an OSV export .zip, a directory of .json records, or one record); got %d arguments", len(args))
	}
	o.src = args[0]
	o.dir = o.DBDir
	if o.dir == "" {
		d, err := osv.DefaultDir()
		if err != nil {
			return usageErrorf("%v (or pass --db-dir)", err)
		}
		o.dir = d
	}
	return nil
}

// Validate checks that PATH can be read before anything is written.
func (o *dbImportOptions) Validate() error {
	if o.src == "" {
		return usageErrorf("PATH is empty")
	}
	info, err := os.Stat(o.src)
	if errors.Is(err, fs.ErrNotExist) {
		return usageErrorf("%s: no such file or directory", o.src)
	}
	if err != nil {
		return usageErrorf("%s: %v", o.src, err)
	}
	if !info.IsDir() {
		f, err := os.Open(o.src)
		if err != nil {
			return usageErrorf("%s: %v", o.src, err)
		}
		f.Close()
	}
	return nil
}

func (o *dbImportOptions) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	st, err := osv.Import(ctx, o.dir, o.src)
	if err != nil {
		o.printSkipped(st)
		return usageErrorf("import: %v", err)
	}
	w := o.streams.Out
	fmt.Fprintf(w, "Imported %d OSV records from %s into %s.\n", st.Read, o.src, st.Dir)
	fmt.Fprintf(w, "  %d new, %d updated, %d ignored because the database holds a copy modified later, %d withdrawn.\n",
		st.Added, st.Updated, st.Kept, st.Withdrawn)
	if names := st.EcosystemNames(); len(names) > 0 {
		parts := make([]string, 0, len(names))
		for _, n := range names {
			parts = append(parts, fmt.Sprintf("%s (%d)", n, st.Ecosystems[n]))
		}
		fmt.Fprintf(w, "Ecosystems: %s.\n", strings.Join(parts, ", "))
	}
	o.printSkipped(st)
	_, err = fmt.Fprintf(w, "Database %s: %s, %d records, imported %s.\n",
		st.Dir, st.DB.Name, st.DB.Records, st.DB.Date.UTC().Format("2006-01-02 15:04 UTC"))
	return err
}

// printSkipped lists the records import skipped, on stderr: they are problems with the input.
func (o *dbImportOptions) printSkipped(st osv.ImportStats) {
	if len(st.Skipped) == 0 {
		return
	}
	w := o.streams.ErrOut
	fmt.Fprintf(w, "Skipped %d invalid records:\n", len(st.Skipped))
	for i, p := range st.Skipped {
		if i == maxListedProblems {
			fmt.Fprintf(w, "  ... and %d more\n", len(st.Skipped)-maxListedProblems)
			break
		}
		fmt.Fprintf(w, "  %s\n", p)
	}
}
