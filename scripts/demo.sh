#!/usr/bin/env bash
# The main job: install what is missing, build, list the OpenCL devices and
# track a real OTB sequence end to end, printing where the boxes and pictures went.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
shared=${SIAMCL_SHARED:-$(cd .. && pwd)/shared}
scripts/build.sh build -DSIAMCL_SHARED_DIR="$shared"
./build/siamcl devices
