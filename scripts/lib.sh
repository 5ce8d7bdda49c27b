# shellcheck shell=bash
# Shared shell helpers for scripts/run, scripts/test and scripts/postgres.
# Source it from bash after `set -euo pipefail`; it defines functions and a few variables only.

DH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DH_VENV="${DH_ROOT}/.venv"
DH_MIN_PYTHON="3.11"
export DEBIAN_FRONTEND=noninteractive

dh_say() { printf '%s\n' "$*" >&2; }
dh_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# --- timing and section headers -------------------------------------------------------------

dh_now() { printf '%s' "${EPOCHREALTIME:-$(date +%s)}" | tr ',' '.'; }

DH_SECTION_NAME=""
DH_SECTION_START=""
DH_TIMINGS=()

# dh_section "title": closes the previous section (recording its duration) and prints a header.
dh_section() {
  dh_section_end
  DH_SECTION_NAME="$1"
  DH_SECTION_START="$(dh_now)"
  printf '\n\033[1m==> %s\033[0m\n' "$1"
}

dh_section_end() {
  if [[ -n "$DH_SECTION_NAME" ]]; then
    local took
    took="$(awk -v a="$DH_SECTION_START" -v b="$(dh_now)" 'BEGIN { printf "%.1f", b - a }')"
    DH_TIMINGS+=("$(printf '%7ss  %s' "$took" "$DH_SECTION_NAME")")
    printf '    (%ss)\n' "$took"
    DH_SECTION_NAME=""
  fi
}

dh_print_timings() {
  dh_section_end
  printf '\n\033[1m==> timings\033[0m\n'
  local line
  for line in "${DH_TIMINGS[@]}"; do printf '%s\n' "$line"; done
}

# --- root, sudo and apt ---------------------------------------------------------------------

# dh_as_root CMD...: runs CMD as root (directly when root, else through sudo); fails if neither.
dh_as_root() {
  if [[ "$(id -u)" == 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [[ -t 0 ]]; }; then
    sudo "$@"
  else
    return 126
  fi
}

DH_APT_UPDATED=0

# dh_apt_install WHY PACKAGE...: installs Debian packages non-interactively (apt-get update once).
dh_apt_install() {
  local why="$1"
  shift
  command -v apt-get >/dev/null 2>&1 \
    || dh_die "${why} needs the package(s) '$*', and this is not a Debian/Ubuntu system (no apt-get): install them by hand."
  if [[ "$(id -u)" != 0 ]] && ! { command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [[ -t 0 ]]; }; }; then
    dh_die "${why} needs the package(s) '$*': run as root or with sudo, or install them first: apt-get install -y $*"
  fi
  dh_say "--- installing with apt: $* (${why})"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300)
  if [[ "$DH_APT_UPDATED" == 0 ]]; then
    dh_as_root "${apt[@]}" update >&2 || dh_die "apt-get update failed"
    DH_APT_UPDATED=1
  fi
  dh_as_root "${apt[@]}" install "$@" >&2 || dh_die "apt-get install $* failed"
}

# dh_office: LibreOffice (headless, no GUI) and the Liberation fonts, metric-compatible with Times
# New Roman: formal documents are turned from .docx into PDF with them (core/papers/pdf.py). Extra
# arguments: more packages wanted beside them (the tests' poppler-utils), installed when missing.
dh_office() {
  local wanted=() extra
  command -v soffice >/dev/null 2>&1 || wanted+=(libreoffice-writer-nogui)
  [[ -e /usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf \
    || -e /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ]] || wanted+=(fonts-liberation)
  for extra in "$@"; do
    case "$extra" in
      poppler-utils) command -v pdftoppm >/dev/null 2>&1 || wanted+=(poppler-utils) ;;
      *) wanted+=("$extra") ;;
    esac
  done
  if ((${#wanted[@]})); then
    dh_apt_install "formal documents as PDF (LibreOffice headless, Times-compatible fonts)" "${wanted[@]}"
  fi
}

# --- Python and the virtual environment -----------------------------------------------------

# dh_find_python: prints the path of a python ≥ 3.11 ($PYTHON first, then python3, python3.X).
dh_find_python() {
  local candidates=() c
  [[ -n "${PYTHON:-}" ]] && candidates+=("$PYTHON")
  candidates+=(python3 python3.14 python3.13 python3.12 python3.11)
  local seen=""
  for c in "${candidates[@]}"; do
    command -v "$c" >/dev/null 2>&1 || continue
    if "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$c"
      return 0
    fi
    seen+=" $c=$("$c" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo '?')"
  done
  if [[ -z "$seen" ]]; then
    dh_die "Python ${DH_MIN_PYTHON} or newer is needed and no python3 was found (on Debian: apt-get install python3 python3-venv)."
  fi
  dh_die "Python ${DH_MIN_PYTHON} or newer is needed; found only:${seen}. Install a newer Python (or set PYTHON=/path/to/python3.11)."
}

# dh_make_venv: creates .venv with a suitable Python, installing python3.X-venv with apt if needed.
dh_make_venv() {
  if [[ -x "$DH_VENV/bin/python" ]] \
    && "$DH_VENV/bin/python" -c 'import sys, pip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    return 0
  fi
  if [[ -e "$DH_VENV" ]]; then
    dh_say "--- .venv is broken or too old: re-creating it"
    rm -rf "$DH_VENV"
  fi
  local py ver
  py="$(dh_find_python)"
  ver="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  dh_say "--- creating .venv with $py (Python $ver)"
  if ! "$py" -m venv "$DH_VENV" >/dev/null 2>&1; then
    rm -rf "$DH_VENV"
    # Debian and Ubuntu ship venv/ensurepip separately, in python3.X-venv.
    dh_apt_install "creating the virtual environment" "python${ver}-venv"
    "$py" -m venv "$DH_VENV" || { rm -rf "$DH_VENV"; dh_die "'$py -m venv' failed"; }
  fi
}

# dh_venv [EXTRA]: makes sure .venv exists and has `pip install -e .[EXTRA]` for the current
# pyproject.toml; re-installs only when pyproject.toml (or the extra) changed since last time.
dh_venv() {
  local extra="${1:-}"
  local spec="." stamp_name="base"
  if [[ -n "$extra" ]]; then
    spec=".[${extra}]"
    stamp_name="$extra"
  fi
  # Serialise concurrent runs from the same checkout (two pip installs into one venv clash).
  local lock
  lock="${TMPDIR:-/tmp}/dieuhanh-venv-$(printf '%s' "$DH_ROOT" | sha256sum | cut -c1-12).lock"
  { exec 9>"$lock"; } 2>/dev/null || true
  if command -v flock >/dev/null 2>&1; then flock 9 || true; fi
  dh_make_venv
  local want stamp
  want="$(sha256sum <"$DH_ROOT/pyproject.toml" | cut -d' ' -f1) $("$DH_VENV/bin/python" -V 2>&1)"
  stamp="$DH_VENV/.dieuhanh-installed-${stamp_name}"
  # The test extra includes everything the base install has.
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$DH_VENV/bin/dieuhanh" ]] \
    || [[ -z "$extra" && -f "$DH_VENV/.dieuhanh-installed-test" \
      && "$(cat "$DH_VENV/.dieuhanh-installed-test")" == "$want" && -x "$DH_VENV/bin/dieuhanh" ]]; then
    dh_say "--- .venv is up to date with pyproject.toml"
  else
    dh_say "--- pip install -e \"${spec}\" (pyproject.toml changed or first run)"
    (cd "$DH_ROOT" && "$DH_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec") \
      || dh_die "pip install -e \"${spec}\" failed"
    printf '%s' "$want" >"$stamp"
  fi
  if command -v flock >/dev/null 2>&1; then flock -u 9 || true; fi
  { exec 9>&-; } 2>/dev/null || true
  export VIRTUAL_ENV="$DH_VENV"
  export PATH="$DH_VENV/bin:$PATH"
}
