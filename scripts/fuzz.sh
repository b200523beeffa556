#!/usr/bin/env bash
# Build the libFuzzer harnesses (clang, ASan+UBSan) into build-fuzz/, write their seed
# corpora (fuzz/seeds.c), and run each for SECONDS (default 30) on its corpus.
#   scripts/fuzz.sh [SECONDS] [harness ...]     harnesses: onnx image desc boxes cache video idx
# Crashes, leaks and timeouts stop the run with the reproducer in build-fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}; shift || true
kinds=("$@"); [ ${#kinds[@]} -gt 0 ] || kinds=(onnx image desc boxes cache video idx)
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIAMCL_FUZZ=ON \
  -DSIAMCL_TESTS=OFF -DSIAMCL_GST=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz-seeds $(printf 'fuzz-%s ' "${kinds[@]}") >/dev/null
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p build-fuzz/corpus build-fuzz/artifacts
./build-fuzz/fuzz-seeds build-fuzz/seeds "$PWD" 2>/dev/null
for k in "${kinds[@]}"; do
  mkdir -p "build-fuzz/corpus/$k"
  cp -n build-fuzz/seeds/"$k"/* "build-fuzz/corpus/$k/" 2>/dev/null || true
  echo "fuzz-$k: ${secs}s on $(ls "build-fuzz/corpus/$k" | wc -l) corpus files"
  ./build-fuzz/fuzz-"$k" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2560 -max_len=65536 \
    -artifact_prefix=build-fuzz/artifacts/"$k"- -print_final_stats=1 "build-fuzz/corpus/$k" \
    > "build-fuzz/fuzz-$k.log" 2>&1 || { tail -40 "build-fuzz/fuzz-$k.log"; echo "fuzz-$k: FAILED"; exit 1; }
  grep -E "stat::number_of_executed_units|cov:" "build-fuzz/fuzz-$k.log" | tail -2 | sed "s/^/  /"
done
echo "fuzz: ${#kinds[@]} passed, 0 failed"
