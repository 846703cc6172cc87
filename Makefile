# logseal: `make demo` and `make test` do all set-up on a fresh clone (npm ci included).
SHELL := /bin/bash
AS_SOURCES := $(shell find assembly -name '*.ts') asconfig.json
ASC := npx --no-install asc
WAMRC ?= $(shell command -v flb-wamrc || command -v wamrc)
# Two x86-64 AOT files: x86-64-v2 runs on every x86-64 server since about 2009, x86-64-v3 (AVX2,
# BMI2: Haswell, Zen and later) hashes ~1.7x faster. fluent-bit/helm/install-module.sh picks per node.
# AOT_EXTRA: more wamrc flags, e.g. --enable-segue (docs/aot.md: only for a runtime that supports it).
AOT_FLAGS := --target=x86_64 --opt-level=3 --size-level=1 --disable-simd $(AOT_EXTRA)

.PHONY: all install build demo test bench accuracy aot aot-arm64 image bench-fluent-bit bench-iwasm compose-check compose-up compose-up-signed compose-fetch compose-verify compose-verify-signed compose-down clean

all: build

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.installed

build: build/logseal.wasm build/logseal.debug.wasm build/testkit.wasm

build/logseal.wasm: node_modules/.installed $(AS_SOURCES)
	$(ASC) assembly/abi.ts --target release

build/logseal.debug.wasm: node_modules/.installed $(AS_SOURCES)
	$(ASC) assembly/abi.ts --target debug

build/testkit.wasm: node_modules/.installed $(AS_SOURCES)
	$(ASC) assembly/testkit.ts --target testkit

## The main job on the embedded default policy: a sample of Kubernetes logs through the filter.
demo: build
	@node --disable-warning=ExperimentalWarning --import tsx samples/demo.ts

test: build
	npx --no-install tsc -p .
	npx --no-install vitest run

bench: build
	node --disable-warning=ExperimentalWarning --import tsx bench/run.ts

## Accuracy two ways: the project's own labelled corpus, then data nobody here wrote (public scanners'
## and recognizers' test examples, real logs judged line by line) when LOGSEAL_EVAL_DATA names the
## checkouts (docs/detectors.md#accuracy); without it that part says so and is skipped.
accuracy: build
	@status=0; \
	node --disable-warning=ExperimentalWarning --import tsx bench/accuracy.ts || status=$$?; \
	node --disable-warning=ExperimentalWarning --import tsx bench/eval/run.ts || status=$$?; \
	exit $$status

## Ahead-of-time module for Fluent Bit (needs flb-wamrc or wamrc of Fluent Bit's WAMR version).
aot: build/logseal.wasm
	@if [ -z "$(WAMRC)" ]; then echo "no flb-wamrc/wamrc on PATH: see docs/aot.md"; exit 1; fi
	$(WAMRC) $(AOT_FLAGS) --cpu=x86-64-v2 -o build/logseal.aot build/logseal.wasm
	$(WAMRC) $(AOT_FLAGS) --cpu=x86-64-v3 -o build/logseal.x86-64-v3.aot build/logseal.wasm
	@# An arm64 file built before must not go into the image older than the module.
	@if [ -f build/logseal.aarch64.aot ]; then $(MAKE) --no-print-directory aot-arm64; fi

## The same for arm64 nodes (generic ARMv8.0; the default code model, AArch64 has no medium one).
## Compiled here, never run here (no arm64 machine): check it on one before a rollout.
aot-arm64: build/logseal.wasm
	@if [ -z "$(WAMRC)" ]; then echo "no flb-wamrc/wamrc on PATH: see docs/aot.md"; exit 1; fi
	$(WAMRC) --target=aarch64 --opt-level=3 --disable-simd $(AOT_EXTRA) -o build/logseal.aarch64.aot build/logseal.wasm

## The init image of the Helm kit for amd64 and arm64 nodes (fluent-bit/helm/Dockerfile.wasm), pushed
## to IMAGE:TAG (a multi-platform image cannot be loaded into a local image store, only pushed).
## Needs docker buildx; `make aot` / `make aot-arm64` first put the AOT files in (else the .wasm runs).
IMAGE ?= registry.example.com/logseal/logseal-wasm
TAG ?= $(shell node -p "require('./package.json').version")
PLATFORMS ?= linux/amd64,linux/arm64
image: build/logseal.wasm
	@docker buildx version >/dev/null 2>&1 || { echo "make image needs docker buildx (docs/deploy.md, step 5)"; exit 1; }
	@for f in logseal.aot logseal.x86-64-v3.aot logseal.aarch64.aot; do [ -f build/$$f ] || echo "note: no build/$$f: nodes it is for run the .wasm (make aot, make aot-arm64)"; done
	docker buildx build --platform $(PLATFORMS) -f fluent-bit/helm/Dockerfile.wasm -t $(IMAGE):$(TAG) --push .

bench-fluent-bit: build
	node --disable-warning=ExperimentalWarning --import tsx bench/fluent-bit.ts

## The module alone in WAMR's iwasm (IWASM or PATH), interpreted and AOT: steadier than Fluent Bit.
bench-iwasm: build
	node --disable-warning=ExperimentalWarning --import tsx bench/iwasm.ts

## The compose harness needs Docker Compose v2 (the `docker compose` plugin), not docker-compose v1.
compose-check:
	@docker compose version >/dev/null 2>&1 || { echo "the compose harness needs Docker Compose v2 (\`docker compose\`, the CLI plugin); docker-compose v1 is not supported"; exit 1; }

compose-up: build compose-check
	cd fluent-bit/compose && ./certs.sh && docker compose up -d

compose-up-signed: build compose-check
	cd fluent-bit/compose && ./certs.sh && docker compose -f docker-compose.yaml -f docker-compose.signed.yaml up -d

## The aggregator's files, copied out of its volume as you (earlier copies removed first).
compose-fetch: compose-check
	rm -f fluent-bit/compose/out/*.ndjson fluent-bit/compose/out/*.json
	cd fluent-bit/compose && docker compose cp aggregator:/out/. out/

compose-verify: build compose-fetch
	node bin/logseal.js verify --key-file fluent-bit/compose/secrets/logseal.key --origin compose-edge fluent-bit/compose/out/sealed.ndjson

compose-verify-signed: build compose-fetch
	node bin/logseal.js keys trust --trust fluent-bit/compose/out/trust.json fluent-bit/compose/out/sealed.ndjson
	node bin/logseal.js verify --trust fluent-bit/compose/out/trust.json --origin compose-edge --anchors fluent-bit/compose/out/anchors.ndjson fluent-bit/compose/out/sealed.ndjson

compose-down: compose-check
	cd fluent-bit/compose && docker compose down -v

clean:
	rm -rf build
