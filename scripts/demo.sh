#!/usr/bin/env bash
# The main job: install what is missing, build, list the OpenCL devices and
# track a real OTB sequence end to end (OTB Crossing with SiamFC AlexNet),
# printing where the boxes and pictures went.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
shared=${SIAMCL_SHARED:-$(cd .. && pwd)/shared}
scripts/build.sh build -DSIAMCL_SHARED_DIR="$shared"
./build/siamcl devices
mkdir -p out
./build/siamcl --shared "$shared" track --model siamfc-alexnet --seq "$shared/data/otb/Crossing" \
  --out out/crossing_siamfc-alexnet.txt --vis out/crossing_siamfc-alexnet
echo
echo "boxes (one x,y,w,h per frame):  $PWD/out/crossing_siamfc-alexnet.txt"
echo "frames with the box drawn:      $PWD/out/crossing_siamfc-alexnet/0001.png ... 0120.png"
echo "contact sheet:                  $PWD/out/crossing_siamfc-alexnet/sheet.png"
