# logseal: `make demo` and `make test` do all set-up on a fresh clone (npm ci included).
SHELL := /bin/bash
AS_SOURCES := $(shell find assembly -name '*.ts') asconfig.json
ASC := npx --no-install asc
WAMRC ?= $(shell command -v flb-wamrc || command -v wamrc)
# Two x86-64 AOT files: x86-64-v2 runs on every x86-64 server since about 2009, x86-64-v3 (AVX2,
# BMI2: Haswell, Zen and later) hashes ~1.7x faster. fluent-bit/helm/install-module.sh picks per node.
# AOT_EXTRA: more wamrc flags, e.g. --enable-segue (docs/aot.md: only for a runtime that supports it).
AOT_FLAGS := --target=x86_64 --opt-level=3 --size-level=1 --disable-simd $(AOT_EXTRA)

.PHONY: all install build demo test bench accuracy aot aot-arm64 bench-fluent-bit bench-iwasm compose-up compose-verify compose-down clean

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
	node --disable-warning=ExperimentalWarning --import tsx bench/accuracy.ts
	node --disable-warning=ExperimentalWarning --import tsx bench/eval/run.ts

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

bench-fluent-bit: build
	node --disable-warning=ExperimentalWarning --import tsx bench/fluent-bit.ts

## The module alone in WAMR's iwasm (IWASM or PATH), interpreted and AOT: steadier than Fluent Bit.
bench-iwasm: build
	node --disable-warning=ExperimentalWarning --import tsx bench/iwasm.ts

compose-up: build
	cd fluent-bit/compose && ./certs.sh && docker compose up -d --build

compose-verify: build
	node bin/logseal.js verify --key-file fluent-bit/compose/secrets/logseal.key --origin compose-edge fluent-bit/compose/out/*.ndjson

compose-down:
	cd fluent-bit/compose && docker compose down -v

clean:
	rm -rf build
