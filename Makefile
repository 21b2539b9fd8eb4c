# Maillage — common tasks. `make help` lists them.
#
# Tools are pinned in the repository and installed under .tools/ (gitignored):
#   - Go tools: `tool` directives in tools/go.mod (a module outside go.work);
#   - buf: the prebuilt binary from npm, pinned by tools/buf/package-lock.json.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Every Go module of go.work. Loop over it: `for m in $(MODULES); do (cd $$m && …); done`.
MODULES := cmd internal proto services/parcours services/partners services/meetings services/notifications

TOOLS_DIR := $(CURDIR)/.tools
TOOLS_BIN := $(TOOLS_DIR)/bin
# Built from tools/go.mod: protoc-gen-go, protoc-gen-go-grpc, staticcheck.
GO_TOOLS_STAMP := $(TOOLS_BIN)/.go-tools.stamp
# npm leaves 1985 mtimes on the files it unpacks: a stamp says when buf was installed.
BUF_STAMP := $(TOOLS_DIR)/buf/.installed
BUF := $(TOOLS_BIN)/buf
STATICCHECK := $(TOOLS_BIN)/staticcheck
# Local protoc plugins come first on PATH for buf generate.
PROTO_PATH := $(TOOLS_BIN):$$PATH
# Source of proto/vendor-proto/buf/validate/validate.proto (see its README.md).
PROTOVALIDATE_PROTO := github.com/bufbuild/protovalidate@v1.2.2

.PHONY: help
help: ## List the targets.
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

.PHONY: tools
tools: $(GO_TOOLS_STAMP) $(BUF_STAMP) ## Install the pinned tools into .tools/bin (no-op when up to date).

# `go build -o dir/ tool` builds every `tool` directive of tools/go.mod.
# tools/ is not part of go.work, hence GOWORK=off.
$(GO_TOOLS_STAMP): tools/go.mod tools/go.sum
	@mkdir -p $(TOOLS_BIN)
	cd tools && GOWORK=off go build -o $(TOOLS_BIN)/ tool
	@touch $@

# `npm ci` installs exactly what package-lock.json pins (version and
# integrity); npm picks the one binary package that matches this OS and CPU.
$(BUF_STAMP): tools/buf/package.json tools/buf/package-lock.json
	@rm -rf $(TOOLS_DIR)/buf && mkdir -p $(TOOLS_DIR)/buf $(TOOLS_BIN)
	cp tools/buf/package.json tools/buf/package-lock.json $(TOOLS_DIR)/buf/
	npm ci --prefix $(TOOLS_DIR)/buf --ignore-scripts --no-audit --no-fund --loglevel=error
	@bin=$$(ls $(TOOLS_DIR)/buf/node_modules/@bufbuild/buf-*/bin/buf 2>/dev/null | head -n 1); \
	  if [ -z "$$bin" ]; then echo "no buf binary for this platform: add it to tools/buf/package.json" >&2; exit 1; fi; \
	  ln -sf "../$${bin#$(TOOLS_DIR)/}" $(BUF)
	@$(BUF) --version >/dev/null
	@touch $@

.PHONY: proto
proto: tools ## Regenerate the Go code beside the .proto files in proto/.
	cd proto && find maillage -name '*.pb.go' -delete && PATH="$(PROTO_PATH)" $(BUF) generate

# Generates into a temporary directory and compares, so it works without any
# commit; then checks the vendored validate.proto against its Go module.
.PHONY: proto-check
proto-check: tools ## Fail if the generated code or vendored protos are stale.
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  (cd proto && PATH="$(PROTO_PATH)" $(BUF) generate -o "$$tmp") && \
	  if ! diff -r -x '*.proto' proto/maillage "$$tmp/maillage"; then \
	    echo "proto: generated code is stale; run 'make proto'" >&2; exit 1; fi
	@go mod download $(PROTOVALIDATE_PROTO) && \
	  src="$$(go env GOMODCACHE)/$(PROTOVALIDATE_PROTO)/proto/protovalidate/buf/validate/validate.proto" && \
	  if ! cmp "$$src" proto/vendor-proto/buf/validate/validate.proto; then \
	    echo "proto: vendor-proto/buf/validate/validate.proto differs from its source; see proto/vendor-proto/README.md" >&2; exit 1; fi
	@echo "proto: up to date"

.PHONY: lint
lint: tools ## gofmt, go vet and staticcheck on every module; buf lint and buf format.
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt -l: needs formatting:" >&2; echo "$$out" >&2; exit 1; fi
	@for m in $(MODULES); do \
	  case "$$(cd $$m && go list ./... 2>&1 >/dev/null || true)" in \
	    *"matched no packages"*) echo "lint: skip $$m (no packages yet)"; continue;; esac; \
	  echo "go vet + staticcheck: $$m"; (cd $$m && go vet ./... && $(STATICCHECK) ./...); \
	done
	cd proto && $(BUF) lint && $(BUF) format --diff --exit-code

.PHONY: test
test: ## Run every test of every module, with the race detector.
	@for m in $(MODULES); do \
	  case "$$(cd $$m && go list ./... 2>&1 >/dev/null || true)" in \
	    *"matched no packages"*) continue;; esac; \
	  (cd $$m && go test -race -count=1 -timeout 8m ./...); \
	done

# Where `make run` keeps its data; override: make run DATA=/var/lib/maillage
DATA ?= ./data

.PHONY: run
run: ## Run maillaged on the embedded default (NATS JetStream in-process, data under ./data).
	go run ./cmd/maillaged --data $(DATA)

# The event store beside the raw JetStream engine, measured in one run
# (internal/es/natsjs/bench_test.go): raw output in bench.out (gitignored),
# then the es/raw ratios. BENCH narrows the run (a -bench regexp), BENCHTIME
# sets each benchmark's length, COUNT repeats the run (the report takes each
# metric's median). The load average goes first into bench.out: the machine
# is shared, and a busy one moves both sides of a pair.
BENCH ?= .
BENCHTIME ?= 3s
COUNT ?= 1
# End-to-end commands (cmd/internal/app BenchmarkCommand): a fixed count, as
# each command writes to the store.
CMD_BENCHTIME ?= 5000x
# Views over a département (services/parcours): 20,000 people × ~50 events,
# written once under $TMPDIR/maillage-bench-department-20000 and reused.
VIEW_BENCHTIME ?= 50000x
# A caseload reads each person's line from the index on disk.
CASELOAD_BENCHTIME ?= 5000x
# What access rules and audit cost (services/parcours BenchmarkTrust):
# each audited read appends to the store.
TRUST_BENCHTIME ?= 5000x
# maillaged as a process (cmd/maillaged BenchmarkServer) on a département
# of each size: resident memory, cold start, restart, reads over gRPC. The
# stores are written once under $TMPDIR (100,000 people: ~2 minutes, 1.9 GB).
BENCH_PEOPLE ?= 20000 100000

.PHONY: bench
bench: ## Benchmark the event store beside raw JetStream, commands end to end, the views, and maillaged at 20,000 and 100,000 people; print the ratios.
	@echo "# load average before the run: $$(cat /proc/loadavg 2>/dev/null || uptime)" > bench.out
	cd internal && go test -run='^$$' -bench='$(BENCH)' -benchtime=$(BENCHTIME) -benchmem -count=$(COUNT) -timeout=15m ./es/natsjs/ | tee -a $(CURDIR)/bench.out
	cd cmd && go test -run='^$$' -bench='Command' -benchtime=$(CMD_BENCHTIME) -count=$(COUNT) -timeout=15m ./internal/app/ | tee -a $(CURDIR)/bench.out
	cd cmd && go test -run='^$$' -bench='Partners' -benchtime=1x -count=$(COUNT) -timeout=40m ./internal/app/ | tee -a $(CURDIR)/bench.out
	cd cmd && go test -run='^$$' -bench='NotificationFanOut' -benchtime=500x -count=$(COUNT) -timeout=20m ./internal/app/ | tee -a $(CURDIR)/bench.out
	for n in $(BENCH_PEOPLE); do \
	  (cd services/parcours && MAILLAGE_BENCH_PEOPLE=$$n go test -run='^$$' -bench='ViewRead' -benchtime=$(VIEW_BENCHTIME) -count=$(COUNT) -timeout=40m . && \
	   MAILLAGE_BENCH_PEOPLE=$$n go test -run='^$$' -bench='Caseload' -benchtime=$(CASELOAD_BENCHTIME) -count=$(COUNT) -timeout=40m . && \
	   MAILLAGE_BENCH_PEOPLE=$$n go test -run='^$$' -bench='Rebuild|Restore' -benchtime=2x -count=$(COUNT) -timeout=40m . && \
	   MAILLAGE_BENCH_PEOPLE=$$n go test -run='^$$' -bench='VigilanceFold' -benchtime=1x -count=$(COUNT) -timeout=40m . && \
	   MAILLAGE_BENCH_PEOPLE=$$n go test -run='^$$' -bench='VigilanceCheck' -benchtime=2000x -count=$(COUNT) -timeout=40m .) | tee -a $(CURDIR)/bench.out; \
	done
	cd services/parcours && go test -run='^$$' -bench='Trust' -benchtime=$(TRUST_BENCHTIME) -count=$(COUNT) -timeout=20m . | tee -a $(CURDIR)/bench.out
	for n in $(BENCH_PEOPLE); do \
	  (cd cmd && MAILLAGE_BENCH_PEOPLE=$$n go test -run='^$$' -bench='Server' -benchtime=1x -count=$(COUNT) -timeout=90m ./maillaged) | tee -a $(CURDIR)/bench.out; \
	done
	@cd internal && go run ./es/natsjs/benchreport < $(CURDIR)/bench.out

# Every fuzz test of the decoders and validators, FUZZTIME each.
FUZZTIME ?= 20s
FUZZ_TARGETS := internal:./es:FuzzParsePosition internal:./es:FuzzValidateStream \
	internal:./serafin:FuzzParse internal:./access:FuzzGrantRules internal:./audit:FuzzVerifyRecords services/parcours:.:FuzzApplyBatch services/parcours:.:FuzzParsePageToken \
	services/partners:./identifier:FuzzParse services/partners:./finess:FuzzReadAll services/partners:./geo:FuzzFromFinessSource \
	services/partners:./geo:FuzzLambert93 services/partners:./geo:FuzzUTM services/partners:.:FuzzDecodeEntry \
	services/notifications:.:FuzzVerify

.PHONY: fuzz
fuzz: ## Fuzz the decoders and validators (FUZZTIME each, default 20s).
	@for t in $(FUZZ_TARGETS); do \
	  IFS=: read -r mod pkg name <<< "$$t"; \
	  echo "fuzz $$name ($$mod/$$pkg)"; \
	  (cd $$mod && go test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) $$pkg) || exit 1; \
	done
