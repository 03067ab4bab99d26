package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/strata-sec/strata/internal/config"
	"github.com/strata-sec/strata/internal/image/sbom"
)

type sbomOptions struct {
	streams    IOStreams
	images     imageFlags
	Ref        string
	Output     string
	ConfigFile string
}

func newSBOMCommand(streams IOStreams) *cobra.Command {
	o := &sbomOptions{streams: streams}
	cmd := &cobra.Command{
		Use:   "sbom REF",
		Short: "Write the software bill of materials of a container image as CycloneDX 1.6 JSON",
		Long: "Analyse the image (a registry reference, oci:DIR[:TAG|@DIGEST] or docker-archive:FILE.tar)\n" +
			"and write its software bill of materials as CycloneDX 1.6 JSON: the image, identified by its\n" +
			"digest and an OCI package URL, and its distribution, OS packages and Go modules with their\n" +
			"package URLs. An image that cannot be analysed has no SBOM: the command fails instead.",
		Example: "  strata sbom nginx:1.27 -o nginx.cdx.json\n  strata sbom --image-layout examples/images shopco/web:latest",
		Args:    cobra.ExactArgs(1),
		RunE:    runOptions(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func (o *sbomOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Output, "output", "o", "", "write the SBOM to this file instead of stdout")
	fs.StringVar(&o.ConfigFile, "config", "", "config file whose images section gives defaults (its layout)")
	o.images.addFetchFlags(fs)
}

func (o *sbomOptions) Complete(cmd *cobra.Command, args []string) error {
	o.Ref = args[0]
	var cfg *config.Config
	if o.ConfigFile != "" {
		var err error
		if cfg, err = config.Load(o.ConfigFile); err != nil {
			return usageErrorf("%v", err)
		}
	}
	o.images.complete(cmd.Flags(), cfg)
	return nil
}

func (o *sbomOptions) Validate() error { return o.images.validate() }

// Run analyses the image and writes its SBOM; the file is only created once the SBOM exists.
func (o *sbomOptions) Run(ctx context.Context) error {
	setup, err := o.images.analyzer(ctx)
	if err != nil {
		return err
	}
	defer setup.close()
	f := setup.analyzer.Analyze(ctx, o.Ref)
	if f.Error != "" {
		return &exitError{code: ExitUsage, err: fmt.Errorf("no SBOM: %s", f.Error)}
	}
	var w io.Writer = o.streams.Out
	var file *os.File
	if o.Output != "" {
		if file, err = os.Create(o.Output); err != nil {
			return usageErrorf("write SBOM: %v", err)
		}
		w = file
	}
	err = sbom.Encode(w, f, sbom.Options{ToolVersion: Version()})
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("write SBOM of %s: %w", o.Ref, err)
	}
	return nil
}
