#!/usr/bin/env bash
# Compiles Shaders/*.comp (or just the .comp files named) to SPIR-V with glslc, incrementally.
#   compile.sh OUT_DIR [FILE.comp ...]
# A .comp file may declare several kernels of one family, one per line:
#   //! kernel scan_block SCAN_BLOCK
#   //! kernel scan_add   SCAN_ADD  WG=256
# Each becomes OUT_DIR/<name>.spv compiled with -D<define> for every word after the name. A file with no
# such line becomes OUT_DIR/<basename>.spv. Dependencies (#include) are tracked through glslc's depfiles,
# so editing an include recompiles exactly the kernels that use it.
set -euo pipefail
out=${1:?usage: compile.sh OUT_DIR [FILE.comp ...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v glslc >/dev/null 2>&1; then
  echo "error FF0001: glslc (the GLSL->SPIR-V compiler) was not found. Install the Debian package 'glslc' (apt-get install glslc), or run ./ff test / ./ff demo which install it." >&2
  exit 1
fi
mkdir -p "$out"
stale() { # stale TARGET DEPFILE SOURCE
  [ -f "$1" ] && [ -f "$2" ] || return 0
  [ "$3" -nt "$1" ] && return 0
  local deps; deps=$(sed -e 's/^[^:]*://' -e 's/\\$//' "$2" | tr ' ' '\n' | grep -v '^$' || true)
  for d in $deps; do [ -f "$d" ] || return 0; [ "$d" -nt "$1" ] && return 0; done
  return 1
}
compiled=0
expected=()
sources=("$@")
[ ${#sources[@]} -eq 0 ] && sources=("$here"/*.comp)
for src in "${sources[@]}"; do
  base=$(basename "$src" .comp)
  mapfile -t decls < <(grep -E '^//! kernel ' "$src" | sed -e 's#^//! kernel ##' || true)
  [ ${#decls[@]} -eq 0 ] && decls=("$base")
  for decl in "${decls[@]}"; do
    read -r name defs <<<"$decl"
    expected+=("$name.spv")
    spv="$out/$name.spv"; dep="$out/$name.d"
    stale "$spv" "$dep" "$src" || continue
    args=()
    for d in $defs; do args+=("-D$d"); done
    glslc --target-env=vulkan1.2 -O -fshader-stage=compute -I "$here/include" "${args[@]}" -MD -MF "$dep" -MT "$spv" -o "$spv" "$src"
    compiled=$((compiled+1))
  done
done
# Drop outputs whose kernel declaration disappeared, so a renamed kernel cannot linger in the assembly.
for f in "$out"/*.spv; do
  [ -e "$f" ] || continue
  keep=0; for e in "${expected[@]}"; do [ "$(basename "$f")" = "$e" ] && keep=1 && break; done
  [ $keep = 1 ] || rm -f "$f" "${f%.spv}.d"
done
echo "shaders: ${#expected[@]} kernels, $compiled compiled"
