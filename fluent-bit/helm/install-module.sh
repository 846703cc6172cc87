#!/bin/sh
# The init container's entrypoint (Dockerfile.wasm): copies the module into the directory Fluent
# Bit reads, and writes logseal.aot as the fastest code this node's CPU can run:
#   x86-64 with AVX2, BMI2... (x86-64-v3)  -> logseal.x86-64-v3.aot
#   x86-64 with SSE4.2, POPCNT (x86-64-v2) -> logseal.aot as built (x86-64-v2)
#   another architecture, or no AOT file   -> logseal.<arch>.aot if the image has it, else the .wasm
# An AOT file with instructions the CPU lacks kills Fluent Bit with SIGILL (WAMR does not check),
# so nothing is guessed: the CPU's flags decide. WAMR tells .wasm from .aot by content, so
# `wasm_path: /opt/logseal/logseal.aot` always loads, at worst in the interpreter.
set -eu
src=${LOGSEAL_SRC:-/logseal}
dst=${LOGSEAL_DST:-/opt/logseal}
cpuinfo=${LOGSEAL_CPUINFO:-/proc/cpuinfo}
arch=${LOGSEAL_ARCH:-$(uname -m)}

flags=" $(grep -m1 '^flags' "$cpuinfo" 2>/dev/null | cut -d: -f2) "
has() {
  for flag in "$@"; do
    case "$flags" in *" $flag "*) ;; *) return 1 ;; esac
  done
}

choice=logseal.wasm
case "$arch" in
  x86_64|amd64)
    # psABI levels: /proc/cpuinfo calls LZCNT "abm"; XSAVE stands in for OSXSAVE.
    if has avx avx2 bmi1 bmi2 f16c fma abm movbe xsave && [ -f "$src/logseal.x86-64-v3.aot" ]; then
      choice=logseal.x86-64-v3.aot
    elif has cx16 lahf_lm popcnt sse4_1 sse4_2 ssse3 && [ -f "$src/logseal.aot" ]; then
      choice=logseal.aot
    fi ;;
  *)
    if [ -f "$src/logseal.$arch.aot" ]; then choice="logseal.$arch.aot"; fi ;;
esac

cp "$src/logseal.wasm" "$dst/logseal.wasm"
cp "$src/$choice" "$dst/logseal.aot"
echo "logseal: $dst/logseal.aot is $choice ($arch)"
