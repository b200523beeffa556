#!/usr/bin/env bash
# Install the Debian packages siamcl needs, only those that are missing.
set -euo pipefail
pkgs=(build-essential cmake pkg-config ocl-icd-opencl-dev opencl-headers pocl-opencl-icd clinfo
      libclblast-dev libpng-dev zlib1g-dev libjpeg62-turbo-dev protobuf-c-compiler libprotobuf-c-dev libonnx-dev
      libavformat-dev libavcodec-dev libswscale-dev libavutil-dev ffmpeg
      libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-tools gstreamer1.0-plugins-base
      gstreamer1.0-plugins-good python3-numpy python3-pytest clang libclang-rt-dev
      dataset-fashion-mnist libopenmpi-dev openmpi-bin)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "siamcl: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
