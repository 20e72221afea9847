# Meridian: multi-cluster DNS and global load balancing for Kubernetes.
# `make` or `make help` lists the targets.

GO          ?= go
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -X github.com/meridian-dns/meridian/version.Version=$(VERSION)
TEST_TIMEOUT ?= 40m
TOOL_MODULES := $(wildcard tools/*)
CONTROLLER_GEN := bin/controller-gen

.DEFAULT_GOAL := help
.PHONY: FORCE help build tools bench-tools test chaos bench demo generate verify lint clean clean-cache

help: ## Show this list of targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## Build bin/meridian-controller, bin/meridianctl and bin/coredns
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/ ./cmd/meridian-controller ./cmd/meridianctl ./cmd/coredns

bin/testenv: FORCE
	@$(GO) build -o bin/testenv ./test/env/cmd/testenv

tools: bin/testenv ## Build the pinned kube-apiserver, etcd, KWOK... into ~/.cache/meridian (once per version)
	bin/testenv build

test: tools ## Run unit tests and the tests on real local clusters
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...

chaos: tools ## Run the fault suite on real local clusters with 30 s outages (etcd, API servers, leader crash, provider faults, partition)
	$(GO) test -count=1 -v -run '^TestChaos$$' -timeout 30m ./test/e2e/ -args -chaos.outage=30s

bench-tools: bin/testenv
	bin/testenv build --bench

bench: tools bench-tools ## Run the benchmarks on real local clusters (propagation: 10 runs; DNS failover: 20; DNS serving: bin/bench-dns.txt; Route 53 / Cloud DNS calls)
	$(GO) test -count=1 -run '^$$' -bench Propagation -benchtime 10x -timeout $(TEST_TIMEOUT) ./test/e2e/
	$(GO) test -count=1 -run '^$$' -bench Failover -benchtime 20x -timeout $(TEST_TIMEOUT) ./test/e2e/
	$(GO) test -count=1 -run '^$$' -bench DNS -benchtime 1x -timeout 20m ./test/bench/
	$(GO) test -count=1 -run '^$$' -bench 'Route53|CloudDNS' -benchtime 1x -timeout $(TEST_TIMEOUT) ./test/e2e/

demo: tools build ## Run Meridian end to end on 127.0.0.1 (meridianctl up: clusters, etcd, controller, CoreDNS+gslb, a tour); Ctrl-C stops it
	bin/meridianctl up

$(CONTROLLER_GEN): tools/controller-gen/go.mod tools/controller-gen/go.sum
	cd tools/controller-gen && $(GO) build -o ../../$(CONTROLLER_GEN) sigs.k8s.io/controller-tools/cmd/controller-gen

generate: $(CONTROLLER_GEN) ## Regenerate deepcopy code and CRDs (config/crd/bases, copied to charts/meridian/crds), tidy go.mod files
	$(CONTROLLER_GEN) object paths=./federation/apis/...
	rm -f config/crd/bases/*.yaml
	$(CONTROLLER_GEN) crd:crdVersions=v1 paths=./federation/apis/... output:crd:artifacts:config=config/crd/bases
	rm -f charts/meridian/crds/*.yaml
	cp config/crd/bases/*.yaml charts/meridian/crds/
	$(GO) mod tidy
	@for d in $(TOOL_MODULES); do (cd $$d && $(GO) mod tidy) || exit 1; done

verify: generate lint ## Fail if generated files are stale or the code is not formatted and vetted
	@changed=$$(git status --porcelain -- go.mod go.sum tools/ config/crd federation/apis charts/); \
		if [ -n "$$changed" ]; then echo "generated files are stale or uncommitted: run 'make generate' and commit"; echo "$$changed"; exit 1; fi

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

clean: ## Remove bin/ (the tool cache in ~/.cache/meridian stays; see clean-cache)
	rm -rf bin/

clean-cache: ## Remove the built tools in ~/.cache/meridian (or $MERIDIAN_CACHE)
	rm -rf "$${MERIDIAN_CACHE:-$${XDG_CACHE_HOME:-$$HOME/.cache}/meridian}"
