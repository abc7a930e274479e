#!/usr/bin/env bash
# Build the mmweakseg environment from nothing, idempotently.
#
#   bash tools/setup_env.sh            # creates ./.venv (or $MMWEAKSEG_VENV)
#
# Steps: check the toolchain, create the virtual environment, install torch,
# build mmcv 2.1.0 with its compiled ops against that torch (C++20, see
# PLATFORM notes in README) or reuse the wheel cached in
# ${MMWEAKSEG_CACHE:-~/.cache/mmweakseg}, install the rest and mmweakseg in
# editable mode. A second run only verifies: nothing is reinstalled when the
# environment already matches (in particular mmweakseg is not reinstalled,
# so tools running meanwhile keep working).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${MMWEAKSEG_VENV:-$repo/.venv}
cache=${MMWEAKSEG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mmweakseg}
python=${PYTHON:-python3}
mmcv_version=$(sed -n 's/^mmcv==//p' "$repo/requirements/mmcv.txt")
torch_version=$(sed -n 's/^torch==//p' "$repo/requirements/torch.txt")

die() { echo "setup_env: $*" >&2; exit 1; }
log() { echo "setup_env: $*" >&2; }

# 1. Toolchain checks: stop at once with the reason.
command -v "$python" >/dev/null || die "no '$python' on PATH (Python 3.11 is required)"
pyver=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
[ "$pyver" = "3.11" ] || die "Python 3.11 is required (torch $torch_version wheels and the mmcv build are pinned for it), found $pyver at $(command -v "$python")"
command -v g++ >/dev/null || die "no g++ on PATH: building mmcv's ops needs a C++20 compiler (apt-get install g++)"
echo 'int main(){ return 0; }' | g++ -std=c++20 -x c++ - -o /dev/null 2>/dev/null \
  || die "g++ $(g++ -dumpversion) does not accept -std=c++20; torch $torch_version's headers need C++20 (g++ >= 10)"

# 2. Virtual environment and torch.
if [ ! -x "$venv/bin/python" ]; then
  log "creating virtual environment $venv"
  "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
"${pip[@]}" install -q -r "$repo/requirements/torch.txt" 'setuptools>=77.0.3,<81' wheel

# 3. mmcv with compiled ops, from the cache or built once into it.
tag=$("$venv/bin/python" -c 'import torch,sys; print("torch%s-py%d%d" % (torch.__version__.split("+")[0], *sys.version_info[:2]))')
wheel_dir=$cache/mmcv-$mmcv_version-$tag
if ! "$venv/bin/python" -c "import mmcv, mmcv.ops; assert mmcv.__version__ == '$mmcv_version'" 2>/dev/null; then
  if ! ls "$wheel_dir"/mmcv-"$mmcv_version"-*.whl >/dev/null 2>&1; then
    build=$(mktemp -d)
    trap 'rm -rf "$build"' EXIT
    "${pip[@]}" download -q --no-deps --no-binary :all: --no-build-isolation -d "$build" "mmcv==$mmcv_version"
    tar -xzf "$build"/mmcv-"$mmcv_version".tar.gz -C "$build"
    # torch >= 2.6 headers refuse C++17; mmcv's setup.py hard-codes it.
    sed -i 's/-std=c++17/-std=c++20/g' "$build/mmcv-$mmcv_version/setup.py"
    # ninja compiles the op files in parallel (torch falls back to one file
    # at a time without it); -g0 drops the debug information Python's
    # CFLAGS ask for (-g), about half of each file's compile
    # time and changes no code (tools/analysis_tools/benchmark_mmcv_build.py).
    "${pip[@]}" install -q ninja
    mkdir -p "$wheel_dir.partial"
    build_log=$cache/mmcv-$mmcv_version-$tag.build.log
    jobs=${MAX_JOBS:-$(nproc)}
    log "building mmcv $mmcv_version with ops against $tag, $jobs jobs (about 11 min on 2 cores, once); progress below, full log in $build_log"
    start=$SECONDS
    if ! (cd "$build/mmcv-$mmcv_version" && PATH="$venv/bin:$PATH" CFLAGS="${CFLAGS:-} -g0" \
          MMCV_WITH_OPS=1 FORCE_CUDA=0 MAX_JOBS=$jobs \
          "${pip[@]}" wheel -v --no-deps --no-build-isolation -w "$wheel_dir.partial" . 2>&1) \
        | tee "$build_log" \
        | while IFS= read -r line; do
            # ninja's "[3/77] c++ ... -c .../nms.cpp -o ..." lines
            [[ $line =~ ^[[:space:]]*\[([0-9]+/[0-9]+)\] ]] || continue
            file=linking
            if [[ $line == *" -c "* ]]; then file=${line##* -c }; file=${file%% *}; fi
            elapsed=$((SECONDS - start))
            printf 'setup_env: mmcv [%s] %s (%d:%02d)\n' "${BASH_REMATCH[1]}" "${file##*/}" $((elapsed / 60)) $((elapsed % 60)) >&2
          done; then
      die "building mmcv failed; the compiler's output is in $build_log"
    fi
    rm -rf "$wheel_dir" && mv "$wheel_dir.partial" "$wheel_dir"
  fi
  "${pip[@]}" install -q --no-deps "$wheel_dir"/mmcv-"$mmcv_version"-*.whl
fi

# 4. The rest (pip leaves satisfied requirements alone), and mmweakseg
# itself in editable mode unless this repository's package, at its version,
# is installed already (checked outside the repository, so that the current
# directory does not shadow the installed package).
"${pip[@]}" install -q -r "$repo/requirements/mmcv.txt" -r "$repo/requirements/runtime.txt" -r "$repo/requirements/tests.txt"
if ! (cd / && "$venv/bin/python" -c "
import importlib.metadata, os.path as osp, sys
import mmweakseg
repo = osp.realpath(sys.argv[1])
assert osp.realpath(osp.dirname(mmweakseg.__file__)) == osp.join(repo, 'mmweakseg')
assert importlib.metadata.version('mmweakseg') == mmweakseg.__version__
" "$repo") >/dev/null 2>&1; then
  log "installing mmweakseg from $repo in editable mode"
  "${pip[@]}" install -q --no-deps --no-build-isolation -e "$repo"
fi
"$venv/bin/python" -c "import mmcv.ops, mmseg.models, mmengine.runner, mmweakseg; print('setup_env: ok, mmweakseg', mmweakseg.__version__, 'in', '$venv')"
