package cluster

import (
	"sync"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/vulndb/k8s"
)

// vulnData is the Kubernetes vulnerability dataset the version checks are bound to. The checks
// never read files themselves: the dataset is loaded once per process, when Checks first builds
// them (the local copy 'strata db update' keeps, else the embedded one), and a dataset that
// could not be loaded turns into an error of each version check rather than a silent pass.
type vulnData struct {
	db  *k8s.DB
	err error
}

// vulnDataset loads the dataset once: it does not change while strata runs ('strata db update'
// is a separate invocation).
var vulnDataset = sync.OnceValue(func() *vulnData {
	db, err := k8s.Load()
	return &vulnData{db: db, err: err}
})

// serverVersion returns the dataset and the API server's version, or why the version checks
// cannot judge it: an unloadable dataset is an error, an unknown version is not-assessed.
func (d *vulnData) serverVersion(ci *check.ClusterInfo) (*k8s.DB, k8s.Version, error) {
	db, err := d.get()
	if err != nil {
		return nil, k8s.Version{}, err
	}
	if ci.GitVersion == "" {
		return nil, k8s.Version{}, check.NotAssessedf("the API server's version was not recorded")
	}
	v, err := k8s.ParseVersion(ci.GitVersion)
	if err != nil {
		return nil, k8s.Version{}, check.NotAssessedf("the API server reports %q, which is not a Kubernetes version", ci.GitVersion)
	}
	return db, v, nil
}

// get returns the dataset or the error loading it.
func (d *vulnData) get() (*k8s.DB, error) { return d.db, d.err }

// Dataset returns the Kubernetes vulnerability dataset the version checks use, so a report can
// name it and its date.
func Dataset() (*k8s.DB, error) { return vulnDataset().get() }
