#!/usr/bin/env bash
# Installs the Debian 12 packages GTScope needs to build, run and test.
#   packaging/install-deps.sh          build + app + tests (what `make test` needs)
#   packaging/install-deps.sh --dev    adds developer tools: clang (fuzzing)
# Idempotent: when everything is present it only asks dpkg and returns.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  # Qt 6 (widgets, OpenGL widgets, SVG)
  qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev qt6-svg-dev libgl-dev libegl-dev
  # engine and file formats
  libeigen3-dev libtbb-dev libsqlite3-dev libpugixml-dev nlohmann-json3-dev zlib1g-dev
  # LAPACK (dsyevr for positional encodings); at run time liblapack.so.3 is OpenBLAS's when
  # libopenblas0-openmp is installed (listed below), the reference LAPACK otherwise
  liblapack-dev
  # Dear ImGui (static, backends built in) and the stb headers it needs
  libimgui-dev libstb0
  # the GPU backend (core/backend/gl): EGL's surfaceless platform with Mesa (llvmpipe in CI);
  # also needs libegl-dev, libgl-dev (glcorearb.h), libegl-mesa0 and libgl1-mesa-dri (listed here)
  libegl1 libgbm1
  # chemistry
  librdkit-dev libboost-dev rdkit-data
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # GUI tests: a virtual X server and Mesa's software OpenGL
  xvfb xauth libgl1-mesa-dri libegl-mesa0 libglx-mesa0 mesa-utils fonts-dejavu-core
  # figure export tests render exported PDFs (pdftoppm, pdfinfo)
  poppler-utils
  # the PyTorch reference of the model engine (its self-check runs in `make test`); OpenBLAS
  # with OpenMP, or torch runs ~30x slower here
  python3-torch libopenblas0-openmp python3-numpy
  # the shipped models' and graphs' checks recompute answers with RDKit and networkx
  python3-rdkit python3-networkx
  # the package and its check (tests/package): cpack's DEB generator, shlibdeps, validators
  dpkg-dev desktop-file-utils appstream shared-mime-info libxml2-utils groff-base gzip
  # renders the icon's PNG sizes from resources/icons/gtscope.svg (committed PNGs; for redrawing)
  librsvg2-bin
)
dev_packages=(
  clang libclang-rt-14-dev llvm
)

if [[ "${1:-}" == "--dev" ]]; then
  packages+=("${dev_packages[@]}")
elif [[ -n "${1:-}" ]]; then
  echo "usage: $0 [--dev]" >&2
  exit 2
fi

# One dpkg query for all packages; a package dpkg does not know is missing too.
declare -A installed=()
while read -r name status; do
  [[ $status == "install ok installed" ]] && installed[${name%%:*}]=1
done < <(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null || true)
missing=()
for p in "${packages[@]}"; do
  [[ -n ${installed[$p]:-} ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
