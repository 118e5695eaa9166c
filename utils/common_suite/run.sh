#!/usr/bin/env bash
# Runs transformers' own common test-suite (ModelTesterMixin, ConfigTester, ProcessorTesterMixin) against
# lugpi_hf's teacher, config and processor, with the test files of the INSTALLED transformers version, taken from
# its sdist on PyPI and cached; nothing of transformers is vendored here. By hand: the package's `python -m pytest`
# never collects it (see README.md next to this file).
#
#   utils/common_suite/run.sh [pytest args...]        e.g.  -k "ViT and save"   -x   -n 2
#
# Environment:
#   PYTHON                      the interpreter of the environment with lugpi_hf installed (default: python)
#   LUGPI_COMMON_SUITE_CACHE    where the sdist and the test-only dependency are cached
#                               (default: ~/.cache/lugpi_hf/transformers-sdist)
#   LUGPI_TRANSFORMERS_SOURCE   a transformers source tree (a git checkout of the installed version's tag) to take
#                               `tests/` and `utils/` from instead of the sdist: it has the modules the sdist lacks.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-python}"
CACHE="${LUGPI_COMMON_SUITE_CACHE:-$HOME/.cache/lugpi_hf/transformers-sdist}"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"

VERSION="$("$PYTHON" -c 'import transformers; print(transformers.__version__)')"
PYVER="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"

if [[ -n "${LUGPI_TRANSFORMERS_SOURCE:-}" ]]; then
    SRC="$(cd "$LUGPI_TRANSFORMERS_SOURCE" && pwd)"
else
    SRC="$CACHE/transformers-$VERSION"
    if [[ ! -f "$SRC/tests/test_modeling_common.py" ]]; then
        DOWNLOAD="$(mktemp -d "$CACHE/.download-XXXXXX")"
        echo "common-suite: downloading the sdist of transformers==$VERSION into $CACHE" >&2
        "$PYTHON" -m pip download --quiet --no-deps --no-binary :all: "transformers==$VERSION" -d "$DOWNLOAD"
        tar -xzf "$DOWNLOAD/transformers-$VERSION.tar.gz" -C "$DOWNLOAD"
        rm -rf "$SRC"
        mv "$DOWNLOAD/transformers-$VERSION" "$SRC"  # a half-extracted tree is never taken for a cached one
        rm -rf "$DOWNLOAD"
    fi
fi

# The test-only dependency of transformers' common test files that lugpi_hf's `tests` extra does not install:
# installed once into the cache, never into the environment.
DEPS="$CACHE/test-deps-py$PYVER"
if ! PYTHONPATH="$DEPS" "$PYTHON" -c 'import parameterized' 2>/dev/null; then
    echo "common-suite: installing parameterized (a transformers test dependency) into $DEPS" >&2
    "$PYTHON" -m pip install --quiet --no-deps --target "$DEPS" "parameterized>=0.9"
fi

# The suite's tree, rebuilt for every run: links to the source's `tests/` and `utils/` entries, plus stand-ins
# (sdist_shims/, see its README.md) for the few modules an sdist does not ship. The source tree is left as it is.
SUITE="$(mktemp -d "$CACHE/.suite-$VERSION-XXXXXX")"
cleanup() { rm -rf "$SUITE"; }
trap cleanup EXIT
mkdir -p "$SUITE/tests" "$SUITE/utils"
for entry in "$SRC"/tests/* "$SRC"/utils/*; do
    if [[ -e "$entry" ]]; then ln -s "$entry" "$SUITE/${entry#"$SRC"/}"; fi
done
ln -s "$SRC/pyproject.toml" "$SUITE/pyproject.toml"
STAND_INS=()
if [[ ! -e "$SRC/tests/__init__.py" ]]; then
    : > "$SUITE/tests/__init__.py"  # transformers' repo has an empty one (its test files rely on it); the sdist not
    STAND_INS+=("tests/__init__.py")
fi
for module in tests/exporters/test_export.py tests/generation/test_utils.py tests/utils/test_configuration_utils.py \
              utils/fetch_hub_objects_for_ci.py; do
    if [[ ! -e "$SRC/$module" ]]; then
        package="$(dirname "$module")"
        if [[ "$package" == tests/* ]]; then
            mkdir -p "$SUITE/$package"
            : > "$SUITE/$package/__init__.py"
        fi
        ln -s "$HERE/sdist_shims/$module" "$SUITE/$module"
        STAND_INS+=("$module")
    fi
done

export PYTHONPATH="$SUITE:$DEPS${PYTHONPATH:+:$PYTHONPATH}"
export LUGPI_COMMON_SUITE_SOURCE="$SRC"
export LUGPI_COMMON_SUITE_STAND_INS="${STAND_INS[*]:-}"

# The suite must import from that tree, not from a `tests` package found elsewhere on the path.
"$PYTHON" - "$SUITE" <<'PY'
import os, sys
import tests.test_modeling_common as m
expected = os.path.join(sys.argv[1], "tests", "test_modeling_common.py")
if os.path.abspath(m.__file__) != os.path.abspath(expected):
    sys.exit(f"common-suite: tests.test_modeling_common resolves to {m.__file__}, not {expected}")
PY

cd "$HERE"
status=0
"$PYTHON" -m pytest -c "$HERE/pytest.ini" --rootdir "$HERE" lugpi_common_suite.py "$@" || status=$?
exit "$status"
