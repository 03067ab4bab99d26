# strata — build, test and generate. `make test` is the README's test command and what CI runs.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -X github.com/strata-sec/strata/internal/cli.version=$(VERSION)

.PHONY: deps build test golden docs bench fuzz vet fmt-check testcluster-build testcluster testcluster-down

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/strata ./cmd/strata
	cp bin/strata bin/kubectl-strata

# Every test: unit, fixtures and goldens, PSS conformance, docs freshness, CLI end to end, and
# the live-cluster tests against a real kube-apiserver and etcd built from pinned modules.
test: deps testcluster-build
	$(GO) test -count=1 -timeout 30m ./...

# Debian packages the tests use (Chromium for the dashboard, PostgreSQL for the ledger), installed
# with apt-get when missing.
deps:
	scripts/deps.sh

# Build etcd, kube-apiserver and kube-controller-manager once into .cache/testcluster, keyed by
# version (a cold kube-apiserver build takes ~15 minutes; later runs reuse the binaries).
testcluster-build:
	$(GO) run ./test/cluster/cmd/testcluster build

# Start the test cluster in the background; prints `export KUBECONFIG=...`.
testcluster:
	$(GO) run ./test/cluster/cmd/testcluster up

testcluster-down:
	$(GO) run ./test/cluster/cmd/testcluster down

# Rewrite .golden files from the current output; review the diff before committing.
golden:
	STRATA_UPDATE_GOLDEN=1 $(GO) test -count=1 ./...

# Regenerate docs/checks from check metadata.
docs:
	$(GO) generate ./internal/docs

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./test/bench/ ./internal/inventory/manifest/

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzDecode -fuzztime 60s ./internal/inventory/manifest/

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
