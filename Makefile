# Setad. `make run` brings the portal up with demo data; `make test` runs every test.
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)
GO ?= go
BIN := bin/setad

.PHONY: run test build generate lint bench clean

## run: ensure PostgreSQL and the database setad, migrate, load the demo, serve on SETAD_ADDR (default :8080)
run: build
	@url=$$(scripts/ensure-postgres.sh run) && \
	  DATABASE_URL="$$url" $(BIN) seed --demo && \
	  echo "Setad: http://localhost$${SETAD_ADDR:-:8080}  (Ctrl-C stops it)" && \
	  DATABASE_URL="$$url" exec $(BIN) serve

## test: unit, integration (real PostgreSQL) and browser (headless Chromium) tests
test:
	@scripts/ensure-chromium.sh
	@url=$$(scripts/ensure-postgres.sh test) && \
	  SETAD_TEST_DATABASE_URL="$$url" $(GO) test -count=1 -timeout 60m ./...

## build: the binary in bin/
build:
	$(GO) build -o $(BIN) ./cmd/setad

## generate: regenerate the templ components
generate:
	$(GO) tool templ generate

## lint: gofmt, go vet, an untidy go.mod, and stale generated code
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [[ -n $$out ]]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@$(GO) mod tidy -diff >/dev/null || { echo "go.mod or go.sum is not tidy; run go mod tidy and commit:"; $(GO) mod tidy -diff; exit 1; }
	@$(GO) tool templ generate >/dev/null 2>&1
	@if [[ -n $$(git status --porcelain -- '*_templ.go') ]]; then echo "generated templ code is stale; run make generate and commit:"; git status --short -- '*_templ.go'; exit 1; fi

## bench: wrk against the built binary on the demo and on 300,000 candidates, beside a bare hello-world
##        (scripts/bench.sh: BENCH_SECONDS, BENCH_PAGES, BENCH_SCALE=0, BENCH_REBUILD=1); table in artifacts/bench.md
bench:
	@GO=$(GO) scripts/bench.sh

clean:
	rm -rf bin artifacts
