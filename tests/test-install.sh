#!/usr/bin/env bash
# test-install: install the build into a temporary prefix, then use it the way a user
# would, from a folder that knows nothing of the source tree or the data folder:
#  - the files a package must have (SONAME links, every header, pkg-config, CMake package,
#    models by name);
#  - examples/track.c built twice against the installed package, with pkg-config and with
#    find_package(siamcl), both giving the boxes of `siamcl track` on the same frames;
#  - the installed CLI tracks a model by name, and still does after the prefix is moved.
# usage: test-install.sh BUILD_DIR SOURCE_DIR SHARED_DIR SIAMCL_CLI [EXTRA_CFLAGS]
set -euo pipefail
build=$1 src=$2 shared=$3 cli=$4 cflags=${5:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fail() { echo "test-install: FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(dirname "$(find "$prefix" -name libsiamcl.so -print -quit)")
for f in "$libdir/libsiamcl.so.0" "$libdir/libsiamcl.a" "$prefix/include/siamcl.h" \
         "$prefix/include/siamcl/video.h" "$libdir/pkgconfig/siamcl.pc" \
         "$libdir/cmake/siamcl/siamclConfig.cmake" "$libdir/cmake/siamcl/siamclConfigVersion.cmake" \
         "$prefix/bin/siamcl" "$prefix/share/siamcl/models/siamfc-alexnet.model" \
         "$prefix/share/siamcl/models/nanotrack-v2/backbone.onnx"; do
  [ -e "$f" ] || fail "missing $f"
done
[ -L "$libdir/libsiamcl.so" ] && [ -L "$libdir/libsiamcl.so.0" ] || fail "SONAME links"
dyn=$(objdump -p "$libdir/libsiamcl.so.0") # not piped into grep -q: pipefail would see objdump's SIGPIPE
[[ "$dyn" =~ SONAME\ +libsiamcl\.so\.0 ]] || fail "SONAME is not libsiamcl.so.0"
# every public header compiles on its own, in C and C++
for h in "$prefix"/include/siamcl.h "$prefix"/include/siamcl/*.h; do
  echo "#include \"$h\"" | cc -std=c11 -Wall -Wextra -Werror -I"$prefix/include" -fsyntax-only -x c - ||
    fail "header $h does not compile alone"
done
echo "#include <siamcl.h>" | c++ -Wall -Werror -I"$prefix/include" -fsyntax-only -x c++ - || fail "C++ include"

# a user's folder: no ../shared, no SIAMCL_* variables but the device cache
mkdir -p "$work/user/here"
cd "$work/user/here"
unset SIAMCL_SHARED SIAMCL_MODELS
seq="$shared/data/otb/Crossing"
frames=12
"$cli" track --model nanotrack-v2 --seq "$seq" --frames $frames -q > "$work/expected.txt" 2>/dev/null ||
  fail "siamcl track (build tree)"
nl -w1 -s' ' "$work/expected.txt" > "$work/expected.num"
boxes() { awk '{print $1, $2}' "$1"; }

export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046,SC2086
cc -std=c11 -Wall -Wextra -Werror $cflags "$src/examples/track.c" -o "$work/track-pc" \
  $(pkg-config --cflags --libs siamcl) -Wl,-rpath,"$libdir" || fail "pkg-config build"
"$work/track-pc" nanotrack-v2 "$seq" 205,151,17,50 $frames > "$work/pc.txt" || fail "pkg-config example run"
diff <(boxes "$work/pc.txt") "$work/expected.num" >/dev/null || fail "pkg-config example boxes differ from siamcl track"

cmake -S "$src/examples" -B "$work/ex-build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_FLAGS="$cflags" \
  -DCMAKE_EXE_LINKER_FLAGS="$cflags" >/dev/null || fail "find_package(siamcl) configure"
cmake --build "$work/ex-build" >/dev/null || fail "find_package(siamcl) build"
"$work/ex-build/track" nanotrack-v2 "$seq" 205,151,17,50 $frames > "$work/cm.txt" || fail "CMake example run"
diff <(boxes "$work/cm.txt") "$work/expected.num" >/dev/null || fail "CMake example boxes differ from siamcl track"

# the installed command, by model name, and after moving the whole prefix
"$prefix/bin/siamcl" track --model nanotrack-v2 --seq "$seq" --frames 3 -q > "$work/cli.txt" 2>/dev/null ||
  fail "installed siamcl track --model nanotrack-v2"
diff "$work/cli.txt" <(head -3 "$work/expected.txt") >/dev/null || fail "installed CLI boxes differ"
# the Python package, installed beside the library (skipped in sanitizer builds: an
# uninstrumented interpreter cannot load the instrumented library without a preload)
pydir=$(find "$prefix" -type d -name site-packages -print -quit)
if [ -z "$cflags" ] && [ -n "$pydir" ]; then
  PYTHONPATH="$pydir" /usr/bin/python3 -c "import siamcl; assert siamcl.devices()" || fail "installed Python package"
fi
mv "$prefix" "$work/moved"
if [ -z "$cflags" ] && [ -n "$pydir" ]; then
  PYTHONPATH="${pydir/$prefix/$work/moved}" /usr/bin/python3 -c "import siamcl; t = siamcl.Tracker('nanotrack-v2')" ||
    fail "the Python package of a moved prefix"
fi
"$work/moved/bin/siamcl" track --model siamfc-alexnet --seq "$seq" --frames 2 -q >/dev/null 2>&1 ||
  fail "a moved prefix no longer finds its models"
# a model that is nowhere is a clear error naming what was tried
if "$work/moved/bin/siamcl" track --model no-such-model --seq "$seq" 2> "$work/err.txt"; then fail "no-such-model ran"; fi
grep -q "no model description 'no-such-model'" "$work/err.txt" || fail "unclear error: $(cat "$work/err.txt")"
echo "test-install: 1 passed, 0 failed (install, headers, pkg-config and CMake builds of the example, moved prefix)"
