#!/usr/bin/env bash
# Builds tests/Rnn.Gen.Benchmarks in Release, runs the benchmarks of issue 6 in-process (BenchmarkDotNet) and writes
# RESULTS.md beside this script: the machine, every workload's figures for Rnn.Gen and its peers, ratios, roofline.
#
# Usage: tests/Rnn.Gen.Benchmarks/run.sh [--job dry|short|medium|default] [--no-torch] [--no-onnx] [BenchmarkDotNet args]
#   --job      BenchmarkDotNet's job: dry (smoke test, meaningless numbers), short (default; 3 iterations), medium,
#              default (BenchmarkDotNet's full statistics; long)
#   --no-torch leave out the libtorch peers (they need TorchSharp's native libtorch and glibc >= 2.38)
#   --no-onnx  leave out the ONNX Runtime peers
#   RTNeural is measured when RTNEURAL_DIR names an RTNeural source tree (not part of this repository; README.md says how
#   to get one, with XSIMD_INCLUDE / EIGEN_INCLUDE when its submodules are elsewhere): Peers/RTNeural/build.sh compiles the
#   peer into bin/rtneural/ first (four builds: Eigen and xsimd, each -march=native and AVX2 only). Without it the results
#   say "not measured" for RTNeural.
#   other arguments go to BenchmarkDotNet, e.g. --filter '*Sequence*'; with any of them the results go to
#   BenchmarkDotNet.Artifacts/RESULTS-partial.md instead, so a partial run never overwrites RESULTS.md.
#   RESULTS=path overrides where the results are written; RNNGEN_COMMIT=text, the revision they name.
# With the libtorch peers on a system whose glibc is older than 2.38 (Debian 12), the program runs under
# tests/tools/with-debian13-glibc (in this repository; RNNGEN_GLIBC_WRAPPER overrides it).
# Nothing else should run on the machine meanwhile: the results file records the load average before and after.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

job=short
torch=1
onnx=1
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --job) job="$2"; shift 2 ;;
    --no-torch) torch=0; shift ;;
    --no-onnx) onnx=0; shift ;;
    *) extra+=("$1"); shift ;;
  esac
done

results="${RESULTS:-}"
if [ -z "$results" ]; then
  if [ ${#extra[@]} -eq 0 ]; then results="$here/RESULTS.md"; else
    mkdir -p "$here/BenchmarkDotNet.Artifacts"; results="$here/BenchmarkDotNet.Artifacts/RESULTS-partial.md"; fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build "$here/Rnn.Gen.Benchmarks.csproj" -c Release -nologo -v quiet
apphost="$here/bin/Release/net10.0/Rnn.Gen.Benchmarks"

commit="${RNNGEN_COMMIT:-}" # the revision the results name; from git when not given
if [ -z "$commit" ]; then
  commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [ -n "$(git -C "$repo" status --porcelain -- src generator tests/Rnn.Gen.Benchmarks 2>/dev/null)" ]; then
    commit="$commit with uncommitted changes"
  fi
fi

args=(--job "$job" --results "$results" --commit "$commit")
if [ "$onnx" = 0 ]; then args+=(--no-onnx); fi
if [ -n "${RTNEURAL_DIR:-}" ]; then
  "$here/Peers/RTNeural/build.sh" "$here/bin/rtneural"
  args+=(--rtneural "$here/bin/rtneural")
fi
runner=()
if [ "$torch" = 1 ]; then
  args+=(--torch)
  glibc="$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')"
  if [ -z "$glibc" ] || [ "$(printf '%s\n2.38\n' "$glibc" | sort -V | head -1)" != 2.38 ]; then
    wrapper="${RNNGEN_GLIBC_WRAPPER:-$repo/tests/tools/with-debian13-glibc}"
    [ -x "$wrapper" ] || { echo "libtorch needs glibc >= 2.38 (have ${glibc:-?}) and $wrapper is missing; run with --no-torch" >&2; exit 2; }
    runner=("$wrapper")
  fi
fi

cd "$here" # BenchmarkDotNet.Artifacts/ goes here (ignored by git)
"${runner[@]}" "$apphost" "${args[@]}" "${extra[@]}"
echo "results: $results"
