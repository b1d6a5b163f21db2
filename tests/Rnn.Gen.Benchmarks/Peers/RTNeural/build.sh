#!/usr/bin/env bash
# Builds the RTNeural peer (rtneural_peer.cpp) against an RTNeural source tree that the reader obtained (it is not part
# of this repository): four shared libraries, one per back end and instruction set, so the benchmark can take RTNeural's
# best build for each workload:
#   librtneural_eigen_native.so   Eigen,  g++ -O3 -march=native
#   librtneural_eigen_avx2.so     Eigen,  g++ -O3 -mavx2 -mfma
#   librtneural_xsimd_native.so   xsimd,  g++ -O3 -march=native
#   librtneural_xsimd_avx2.so     xsimd,  g++ -O3 -mavx2 -mfma
#
# Usage: Peers/RTNeural/build.sh OUTPUT_DIR
#   RTNEURAL_DIR   the RTNeural source tree (required): the folder that holds RTNeural/ModelT.h and modules/
#   EIGEN_INCLUDE  the folder holding Eigen/Dense (default: $RTNEURAL_DIR/modules/Eigen, which RTNeural's repository carries)
#   XSIMD_INCLUDE  the folder holding xsimd/xsimd.hpp (default: $RTNEURAL_DIR/modules/xsimd/include, RTNeural's git
#                  submodule); without it the two xsimd variants are left out
#   JSON_INCLUDE   nlohmann/json, which RTNeural's headers include (default: $RTNEURAL_DIR/modules/json)
#   CXX            the compiler (default g++)
# Eigen objects of the larger models exceed Eigen's stack-object limit; the models are allocated on the heap, so the
# check is switched off (EIGEN_STACK_ALLOCATION_LIMIT=0).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build.sh OUTPUT_DIR}"
rt="${RTNEURAL_DIR:?set RTNEURAL_DIR to an RTNeural source tree}"
[ -f "$rt/RTNeural/ModelT.h" ] || { echo "RTNEURAL_DIR=$rt holds no RTNeural/ModelT.h" >&2; exit 2; }
eigen="${EIGEN_INCLUDE:-$rt/modules/Eigen}"
xsimd="${XSIMD_INCLUDE:-$rt/modules/xsimd/include}"
json="${JSON_INCLUDE:-$rt/modules/json}"
cxx="${CXX:-g++}"
mkdir -p "$out"

common=(-std=c++17 -O3 -DNDEBUG -DRTNEURAL_NAMESPACE=RTNeural -DEIGEN_STACK_ALLOCATION_LIMIT=0 -fPIC -shared -fvisibility=hidden -fvisibility-inlines-hidden -Wl,-Bsymbolic -I"$rt" -I"$json" -w)
# A library is up to date when its stamp holds the same key: the compiler's version, the flags and include folders, and
# a hash of the harness and this script. Nothing in it names the checkout or the output folder, so a checkout elsewhere
# (or libraries copied from one) does not rebuild; file times play no part (a fresh checkout's are all new).
compiler="$("$cxx" --version | head -n 1)"
sources="$(cat "$here/rtneural_peer.cpp" "$here/build.sh" | sha256sum | cut -d ' ' -f 1)"
build() { # name backend-define include arch-flags...; skipped when built already with the same key
  local name="$1" define="$2" include="$3"; shift 3
  local lib="$out/librtneural_$name.so" stamp="$out/librtneural_$name.cmd"
  local flags=("${common[@]}" "-D$define=1" -I"$include" "$@")
  local key="$compiler | ${flags[*]} | sources $sources"
  if [ -f "$lib" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then
    echo "RTNeural peer: $name (up to date)" >&2; return 0
  fi
  echo "RTNeural peer: $name" >&2
  rm -f "$stamp"
  "$cxx" "${flags[@]}" "$here/rtneural_peer.cpp" -o "$lib" && echo "$key" > "$stamp"
}

pids=()
if [ -f "$eigen/Eigen/Dense" ]; then
  build eigen_native RTNEURAL_USE_EIGEN "$eigen" -march=native & pids+=($!)
  build eigen_avx2 RTNEURAL_USE_EIGEN "$eigen" -mavx2 -mfma & pids+=($!)
else
  echo "no Eigen/Dense under $eigen: the Eigen variants are left out" >&2
fi
if [ -f "$xsimd/xsimd/xsimd.hpp" ]; then
  build xsimd_native RTNEURAL_USE_XSIMD "$xsimd" -march=native & pids+=($!)
  build xsimd_avx2 RTNEURAL_USE_XSIMD "$xsimd" -mavx2 -mfma & pids+=($!)
else
  echo "no xsimd/xsimd.hpp under $xsimd: the xsimd variants are left out" >&2
fi
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
