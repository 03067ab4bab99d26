package checks

import (
	"io/fs"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks/cluster"
	"github.com/strata-sec/strata/internal/checks/container"
	"github.com/strata-sec/strata/internal/checks/kernel"
	"github.com/strata-sec/strata/internal/checks/network"
	"github.com/strata-sec/strata/internal/checks/node"
	"github.com/strata-sec/strata/internal/checks/workload"
)

// Registry returns every built-in check, validated, in ID order.
func Registry() (*check.Registry, error) {
	return check.NewRegistry(
		kernel.Checks(),
		container.Checks(),
		workload.Checks(),
		network.Checks(),
		node.Checks(),
		cluster.Checks(),
	)
}

// layerFixtures lists every layer package's embedded fixtures.
func layerFixtures() []fs.FS {
	return []fs.FS{kernel.Fixtures(), container.Fixtures(), workload.Fixtures(), network.Fixtures(), node.Fixtures(), cluster.Fixtures()}
}
