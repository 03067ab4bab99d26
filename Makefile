# strata — build, test and generate. `make test` is the README's test command and what CI runs.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -X github.com/strata-sec/strata/internal/cli.version=$(VERSION)

.PHONY: build test golden docs bench fuzz vet fmt-check

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/strata ./cmd/strata
	cp bin/strata bin/kubectl-strata

# Every test: unit, fixtures and goldens, PSS conformance, docs freshness, CLI end to end.
test:
	$(GO) test -count=1 ./...

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
