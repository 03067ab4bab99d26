package cli

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/klog/v2"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/inventory/live"
	"github.com/strata-sec/strata/internal/inventory/manifest"
)

// loadKinds reads an inventory of the given kinds for commands that are not scans (who-can,
// access): from the live cluster with --cluster, otherwise from manifest paths. Unlike a scan,
// these commands answer one question from the whole input, so any unreadable manifest is an
// error rather than a footnote: an answer computed without it could be wrong.
func loadKinds(ctx context.Context, streams IOStreams, cf *clusterFlags, paths []string, kinds []schema.GroupKind) (check.Inventory, error) {
	if cf.Enabled {
		log := logger(ctx)
		klog.SetSlogLogger(slog.New(minLevel{log.Handler(), slog.LevelInfo}))
		cfg, err := cf.kube.ToRESTConfig()
		if err != nil {
			return nil, usageErrorf("load kubeconfig: %v", err)
		}
		res, err := live.Load(ctx, cfg, live.Options{
			Kinds:             kinds,
			ExcludeNamespaces: splitAll(cf.ExcludeNamespaces),
			QPS:               cf.QPS,
			Burst:             cf.Burst,
			Logger:            log,
		})
		if err != nil {
			return nil, err
		}
		return res.Index(), nil
	}
	res, err := manifest.Load(ctx, paths, manifest.Options{Stdin: streams.In})
	if err != nil {
		return nil, fmt.Errorf("read manifests: %w", err)
	}
	if len(res.Errors) > 0 {
		msgs := make([]string, 0, len(res.Errors))
		for _, e := range res.Errors {
			msgs = append(msgs, fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message))
		}
		return nil, usageErrorf("%d input error(s):\n  %s", len(msgs), strings.Join(msgs, "\n  "))
	}
	return inventory.NewIndex(res.Objects), nil
}
