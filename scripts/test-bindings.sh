#!/usr/bin/env bash
# Builds and tests the Python, Node and Kotlin/Swift bindings, installing what they
# need on a fresh machine (runs as root without stdin in CI; idempotent).
#
#   ./scripts/test-bindings.sh            # everything
#   ./scripts/test-bindings.sh python     # or: node, mobile (any subset)
#   BINDINGS_RELEASE=1 ./scripts/test-bindings.sh python   # release build (benchmarks)
#
# Installs: maturin, pytest and mypy into a virtualenv under the cargo target dir;
# the npm packages of bindings-node (npm ci); the Kotlin compiler (npm package
# kotlin-compiler, via npm ci in bindings-mobile); JNA (Debian libjna-java) and a
# Java runtime when missing. Builds each artifact once and tests it: the Python
# wheel (also installed into a fresh virtualenv), the Node addon (also checked in
# `npm pack`), and the uniffi library with its generated Kotlin and Swift sources.
# Debug builds by default (they reuse the artifacts of `cargo test`; the vectors run
# in seconds either way); BINDINGS_RELEASE=1 builds release artifacts instead.
#
# Every binding runs every golden vector file of core/tests/vectors and dumps what it
# computed; when all three run, bindings-python/tests/parity.py checks that Python,
# Node and Kotlin computed exactly the same values (decimal strings included).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
WORK="$CARGO_TARGET_DIR/bindings"
mkdir -p "$WORK"
LANGS="${*:-python node mobile}"
if [ -n "${BINDINGS_RELEASE:-}" ]; then PROFILE=release; else PROFILE=debug; fi
PARITY="$WORK/parity"
rm -rf "$PARITY"
export PATUNGAN_PARITY_OUT="$PARITY"

step() { printf '\n==> %s\n' "$*"; }
want() { [[ " $LANGS " == *" $1 "* ]]; }

apt_install() {
  # Installs Debian packages that are missing (root, non-interactive).
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "apt-get install ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" </dev/null
}

# ---------------------------------------------------------------- Python
if want python; then
  VENV="$WORK/venv"
  if ! python3 -m venv --help >/dev/null 2>&1; then apt_install python3-venv; fi
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  step "python: install maturin, pytest, mypy"
  "$VENV/bin/pip" install -q --disable-pip-version-check "maturin>=1.9.4,<2" "pytest>=8" "mypy>=1.10"

  step "python: build the abi3 wheel ($PROFILE)"
  rm -rf "$WORK/wheels"
  MATURIN_PROFILE=()
  [ "$PROFILE" = release ] && MATURIN_PROFILE=(--release)
  (cd bindings-python && "$VENV/bin/maturin" build "${MATURIN_PROFILE[@]}" --locked -o "$WORK/wheels" -i "$VENV/bin/python")
  WHEEL=$(ls "$WORK"/wheels/patungan-*.whl)
  echo "built $(basename "$WHEEL")"

  step "python: install the wheel into a fresh virtualenv and import it"
  rm -rf "$WORK/venv-fresh"
  python3 -m venv "$WORK/venv-fresh"
  "$WORK/venv-fresh/bin/pip" install -q --disable-pip-version-check "$WHEEL"
  "$WORK/venv-fresh/bin/python" -c "import patungan; assert patungan.Money.idr(1).currency == 'IDR'; print('import patungan: ok')"

  step "python: pytest (golden vectors, API, mypy --strict, stubtest)"
  "$VENV/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps "$WHEEL"
  (cd bindings-python && "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests)

  step "python: examples/python/quickstart.py"
  "$VENV/bin/python" examples/python/quickstart.py >/dev/null
  echo "quickstart.py ran"
fi

# ---------------------------------------------------------------- Node
if want node; then
  step "node: npm ci"
  (cd bindings-node && npm ci --no-audit --no-fund --loglevel=error)

  step "node: build the addon ($PROFILE) and generate index.d.ts"
  if [ "$PROFILE" = release ]; then
    (cd bindings-node && node build.mjs --release --strip)
  else
    (cd bindings-node && node build.mjs)
  fi
  if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    if ! git -C "$ROOT" diff --exit-code --stat -- bindings-node/index.d.ts bindings-node/native.js; then
      echo "bindings-node/index.d.ts or native.js is out of date: commit the regenerated files" >&2
      exit 1
    fi
  fi

  step "node: node --test (golden vectors, API, tsc --strict)"
  (cd bindings-node && node --test --test-reporter=spec __test__/)

  step "node: npm pack contains the addon and index.d.ts"
  PACKED=$(cd bindings-node && npm pack --dry-run --json 2>/dev/null)
  node -e '
    const files = JSON.parse(process.argv[1])[0].files.map((f) => f.path)
    for (const want of [/\.node$/, /^index\.d\.ts$/, /^index\.js$/, /^native\.js$/, /^errors\.js$/]) {
      if (!files.some((f) => want.test(f))) { console.error(`npm pack misses ${want}: ${files}`); process.exit(1) }
    }
    console.log(`npm pack: ${files.join(", ")}`)
  ' "$PACKED"

  step "node: examples/node/quickstart.mjs"
  node examples/node/quickstart.mjs >/dev/null
  echo "quickstart.mjs ran"
fi

# ---------------------------------------------------------------- Kotlin / Swift
if want mobile; then
  command -v java >/dev/null 2>&1 || apt_install default-jre-headless
  [ -f /usr/share/java/jna.jar ] || apt_install libjna-java
  JNA=/usr/share/java/jna.jar

  step "mobile: npm ci (kotlin-compiler)"
  (cd bindings-mobile && npm ci --no-audit --no-fund --loglevel=error)
  KOTLIN="$ROOT/bindings-mobile/node_modules/kotlin-compiler"

  step "mobile: build the library ($PROFILE) and uniffi-bindgen"
  CARGO_PROFILE=()
  [ "$PROFILE" = release ] && CARGO_PROFILE=(--release)
  cargo build "${CARGO_PROFILE[@]}" --locked -p patungan-mobile --lib
  cargo build --locked -p patungan-mobile --features cli --bin uniffi-bindgen
  LIB="$CARGO_TARGET_DIR/$PROFILE/libpatungan_mobile.so"

  step "mobile: generate Kotlin and Swift (library mode)"
  GEN="$WORK/generated"
  rm -rf "$GEN"
  for lang in kotlin swift; do
    "$CARGO_TARGET_DIR/debug/uniffi-bindgen" generate --no-format --library "$LIB" --language "$lang" --out-dir "$GEN/$lang"
  done

  step "mobile: compile with kotlinc-jvm"
  "$KOTLIN/bin/kotlinc-jvm" -nowarn -cp "$JNA" -d "$WORK/patungan-kotlin-test.jar" \
    "$GEN/kotlin/patungan/patungan.kt" bindings-mobile/tests/kotlin/*.kt examples/kotlin/Quickstart.kt
  CP="$WORK/patungan-kotlin-test.jar:$JNA:$KOTLIN/lib/kotlin-stdlib.jar"

  step "mobile: Kotlin test on the JVM (golden vectors, API)"
  java -Djna.library.path="$(dirname "$LIB")" -cp "$CP" patungan.test.VectorsTestKt core/tests/vectors | grep -v '^ok - '

  step "mobile: examples/kotlin/Quickstart.kt"
  java -Djna.library.path="$(dirname "$LIB")" -cp "$CP" QuickstartKt >/dev/null
  echo "Quickstart.kt ran"

  step "mobile: Swift sources (no Swift toolchain: declarations and linkage)"
  python3 bindings-mobile/tests/check_swift.py "$GEN/swift" "$LIB" | grep -v '^ok - '
fi

# ---------------------------------------------------------------- parity
if want python && want node && want mobile; then
  step "parity: Python, Node and Kotlin computed the same values for every vector"
  python3 bindings-python/tests/parity.py "$PARITY"
fi

step "bindings: all checks passed ($LANGS, $PROFILE)"
