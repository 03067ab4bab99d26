package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/strata-sec/strata/internal/vulndb/k8s"
)

// maxFeedBytes bounds the CVE feed read: the official feed is a few hundred kilobytes.
const maxFeedBytes = 16 << 20

// newDBCommand is the 'strata db' command group: the data strata matches versions against.
func newDBCommand(streams IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Manage the vulnerability data strata matches versions against",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newDBUpdateCommand(streams))
	cmd.AddCommand(newDBImportCommand(streams))
	return cmd
}

type dbUpdateOptions struct {
	streams IOStreams
	FeedURL string
	Timeout time.Duration

	// Set by Complete.
	path   string
	client *http.Client
	now    func() time.Time
}

func newDBUpdateCommand(streams IOStreams) *cobra.Command {
	o := &dbUpdateOptions{streams: streams}
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Merge newly published Kubernetes CVEs from the official feed into the local dataset",
		Long: "update fetches the official Kubernetes CVE feed and merges it into a local copy of strata's\n" +
			"Kubernetes dataset ($XDG_DATA_HOME/strata/k8s-cve.json, or ~/.local/share/strata/k8s-cve.json),\n" +
			"which scans then use instead of the built-in one. CVEs strata already knows keep their curated\n" +
			"affected versions; CVEs new to it are listed as published, with affected versions not in the\n" +
			"dataset, and are never matched against versions. On any failure the existing dataset is left\n" +
			"untouched.",
		Example: "  strata db update\n  strata db update --timeout 10s",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Complete(); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func (o *dbUpdateOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.FeedURL, "feed-url", k8s.FeedURL, "URL of the Kubernetes CVE feed (JSON Feed format), for mirrors")
	fs.DurationVar(&o.Timeout, "timeout", 30*time.Second, "give up on the feed after this long")
}

// Complete resolves where the local dataset lives.
func (o *dbUpdateOptions) Complete() error {
	path, ok := k8s.LocalPath()
	if !ok {
		return usageErrorf("cannot locate a data directory: set XDG_DATA_HOME or HOME")
	}
	o.path = path
	o.client = &http.Client{Timeout: o.Timeout}
	if o.now == nil {
		o.now = time.Now
	}
	return nil
}

func (o *dbUpdateOptions) Validate() error {
	if o.Timeout <= 0 {
		return usageErrorf("--timeout: %s is not a positive duration", o.Timeout)
	}
	if o.FeedURL == "" {
		return usageErrorf("--feed-url is empty")
	}
	return nil
}

// Run fetches, merges and writes. Nothing is written unless every step succeeded.
func (o *dbUpdateOptions) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	base, err := k8s.Load()
	if err != nil {
		return fmt.Errorf("%w (remove the file to start again from strata's built-in dataset)", err)
	}
	data, err := o.fetch(ctx)
	if err != nil {
		return err
	}
	feed, err := k8s.ParseFeed(data)
	if err != nil {
		return fmt.Errorf("%s: %w", o.FeedURL, err)
	}
	merged, changes, err := base.Merge(feed, o.now())
	if err != nil {
		return err
	}
	if err := merged.WriteFile(o.path); err != nil {
		return err
	}
	return o.print(base, merged, changes)
}

func (o *dbUpdateOptions) fetch(ctx context.Context) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.FeedURL, nil)
	if err != nil {
		return nil, usageErrorf("--feed-url: %v", err)
	}
	req.Header.Set("Accept", "application/feed+json, application/json")
	req.Header.Set("User-Agent", "strata/"+Version())
	resp, err := o.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("fetch CVE feed %s: no answer within %s", o.FeedURL, o.Timeout)
		}
		return nil, fmt.Errorf("fetch CVE feed: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch CVE feed %s: %s", o.FeedURL, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxFeedBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch CVE feed %s: %w", o.FeedURL, err)
	}
	if len(data) > maxFeedBytes {
		return nil, fmt.Errorf("fetch CVE feed %s: larger than %d MiB", o.FeedURL, maxFeedBytes>>20)
	}
	return data, nil
}

func (o *dbUpdateOptions) print(base, merged *k8s.DB, ch k8s.Changes) error {
	w := o.streams.Out
	from := "strata's built-in dataset"
	if base.Source() != "" {
		from = base.Source()
	}
	fmt.Fprintf(w, "Merged the Kubernetes CVE feed into %s (from %s of %s).\n", o.path, from, base.DateString())
	for _, c := range ch.Added {
		fmt.Fprintf(w, "  added   %s%s: %s — published; affected versions not in the dataset, so it is not matched\n",
			c.ID, published(c), c.Title)
	}
	for _, c := range ch.Updated {
		fmt.Fprintf(w, "  updated %s%s: %s\n", c.ID, published(c), c.Title)
	}
	for _, id := range ch.Skipped {
		fmt.Fprintf(w, "  skipped feed entry %q: not a CVE id\n", id)
	}
	if ch.Empty() {
		fmt.Fprintf(w, "No new CVEs: the dataset already holds the %d in the feed.\n", ch.Known)
	} else {
		fmt.Fprintf(w, "%d added, %d updated, %d already known.\n", len(ch.Added), len(ch.Updated), ch.Known)
	}
	_, err := fmt.Fprintf(w, "Dataset of %s: %d CVEs, %d of them without affected versions.\n",
		merged.DateString(), len(merged.CVEs()), len(merged.Unranged()))
	return err
}

func published(c k8s.CVE) string {
	if c.Published == "" {
		return ""
	}
	return " (" + c.Published + ")"
}
