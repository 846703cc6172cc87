#!/usr/bin/env bash
# Builds build/bench-json-as.wasm for the json-as comparison (docs/json-as-comparison.md).
# Not one of asconfig.json's targets: `make build` never compiles it. json-as is configured by
# environment variables; SWAR is its default scanner and the fastest one without SIMD, which
# Fluent Bit's WAMR lacks (so SIMD is disabled here, as for logseal).
set -euo pipefail
cd "$(dirname "$0")/../.."
JSON_MODE=SWAR npx --no-install asc bench/json-as/entry.ts --config bench/json-as/asconfig.json --target release "$@"
