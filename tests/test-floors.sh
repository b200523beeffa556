#!/bin/sh
# The rooms of lib/ are compiled against folders of links to themselves and
# the rooms under them (CMakeLists.txt, FLOORS_<room>). Checks that this holds:
# a header of a room below compiles from a room's view, one of a room above
# does not, and the tools' include path has no lib/ at all.
# usage: test-floors.sh CC BUILD_DIR SOURCE_DIR
set -u
cc=$1 build=$2 src=$3
fail=0
probe() { # room header want(0 = compiles)
    printf '#include "%s"\nint main(void) { return 0; }\n' "$2" |
        "$cc" -fsyntax-only -DCL_TARGET_OPENCL_VERSION=120 -I"$build/floors/$1" -I"$src/include" -x c - 2>/dev/null
    got=$?
    if [ "$3" = 0 ] && [ $got -ne 0 ]; then echo "test-floors: FAIL: $1 cannot include $2"; fail=1; fi
    if [ "$3" = 1 ] && [ $got -eq 0 ]; then echo "test-floors: FAIL: $1 can include $2 (a room above it)"; fail=1; fi
}
probe ops runtime/runtime.h 0
probe ops graph/graph.h 1
probe graph ops/ops.h 0
probe graph onnx/onnx.h 1
probe graph sched/sched.h 1
probe sched graph/plan.h 0
probe sched track/track.h 1
probe track sched/nets.h 0
probe track train/train.h 1
probe runtime ops/ops.h 1
probe io graph/graph.h 1
probe train onnx/onnx.h 0
probe train track/track.h 1
# the command sees the public headers only
for f in "$src"/tools/*.c "$src"/tools/*.h; do
    if grep -Eq '#include "(runtime|ops|graph|onnx|sched|track|train|io|eval|video)/' "$f"; then
        echo "test-floors: FAIL: $f includes a lib/ header"
        fail=1
    fi
done
[ $fail -eq 0 ] && echo "test-floors: all checks passed"
exit $fail
