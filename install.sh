#!/bin/sh
# Installs or upgrades the pensar CLI:
#
#   curl -fsSL https://github.com/pensarai/pensar-cli/releases/latest/download/install.sh | sh
#
# It picks the build for this OS and CPU (glibc or musl on Linux), downloads the release's
# SHA256SUMS and the smallest archive of that build this system can unpack (.tar.xz, else .tar.gz,
# else the bare binary), refuses it unless the checksum matches, unpacks it, checks it starts, and
# moves it into place in one rename, so an interrupted or refused run leaves any earlier pensar
# untouched. On musl (Alpine) it first checks for the C++ runtime the musl build needs.
#
# Settings (environment variables):
#   PENSAR_VERSION       version to install, e.g. 0.2.0 (default: the latest release)
#   PENSAR_INSTALL_DIR   where to put `pensar` (default: ~/.local/bin)
#   PENSAR_INSTALL_BASE  releases URL (default: https://github.com/pensarai/pensar-cli/releases);
#                        files come from <base>/latest/download/ or <base>/download/v<version>/
#   PENSAR_INSTALL_OS, PENSAR_INSTALL_ARCH, PENSAR_INSTALL_LIBC
#                        override detection (linux|darwin, x64|arm64, glibc|musl)
#   PENSAR_INSTALL_LIBDIRS
#                        musl only: the folders (colon-separated) to look for MUSL_LIBS in
#                        (default: the musl loader's own path, /etc/ld-musl-x86_64.path or
#                        /lib:/usr/local/lib:/usr/lib, after LD_LIBRARY_PATH)
#
# Everything lives in main(), called on the last line, so a download cut short runs nothing.

set -eu

SUPPORTED="linux-x64, linux-x64-musl, linux-arm64, darwin-x64, darwin-arm64"
DEFAULT_BASE="https://github.com/pensarai/pensar-cli/releases"
# The musl build links libstdc++, which loads libgcc_s; stock Alpine has neither. The release
# build (build/release-targets.ts) fails when the musl binary needs anything else.
MUSL_LIBS="libstdc++.so.6 libgcc_s.so.1"

main() {
  platform=$(detect_platform)
  check_musl_libraries "$platform"
  base=${PENSAR_INSTALL_BASE:-$DEFAULT_BASE}
  base=${base%/}
  url=$(release_url "$base" "${PENSAR_VERSION:-latest}")
  dir=$(install_dir)
  target="$dir/pensar"

  downloader=$(pick_downloader)
  hasher=$(pick_hasher)

  work=$(mktemp -d 2>/dev/null || mktemp -d -t pensar) ||
    fail "cannot create a temporary folder." "Set TMPDIR to a folder you can write to."
  staged=""
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  download "$downloader" "$url/SHA256SUMS" "$work/SHA256SUMS"
  asset=$(pick_asset "$platform" "$work/SHA256SUMS")
  say "Downloading $asset from $url"
  download "$downloader" "$url/$asset" "$work/$asset"
  # Verified before it is unpacked: the unpacker never reads bytes the release did not publish.
  verify_checksum "$hasher" "$work" "$asset"
  unpack "$work" "$asset"

  mkdir -p "$dir" || fail "cannot create $dir." "Set PENSAR_INSTALL_DIR to a folder you can write to."
  # The temp file sits beside the target so the final mv is a rename within one file system.
  staged="$dir/.pensar.install.$$"
  cp "$work/unpacked/pensar" "$staged" || fail "cannot write to $dir." "Set PENSAR_INSTALL_DIR to a folder you can write to."
  chmod 755 "$staged"
  # stdin is /dev/null: under `curl | sh` it is the script itself.
  "$staged" --version </dev/null >"$work/version" 2>&1 ||
    fail "the downloaded pensar does not start on this machine ($platform): $(head -n 3 "$work/version")" \
      "Report it at https://github.com/pensarai/pensar-cli/issues with the output of \`uname -a\`."
  new_version=$(head -n 1 "$work/version")

  old_version=""
  if [ -e "$target" ]; then
    old_version=$("$target" --version </dev/null 2>/dev/null | head -n 1 || true)
    old_version=${old_version:-an unknown version}
  fi
  mv -f "$staged" "$target" || fail "cannot replace $target." "Check the permissions of $dir."
  staged=""

  if [ "$old_version" = "$new_version" ]; then
    say "Reinstalled $target: $new_version"
  elif [ -n "$old_version" ]; then
    say "Upgraded $target: $old_version -> $new_version"
  else
    say "Installed $target: $new_version"
  fi
  path_hint "$dir"
  say "Run \`pensar login\` to connect to your Pensar workspace."
}

detect_platform() {
  os=${PENSAR_INSTALL_OS:-$(uname -s)}
  arch=${PENSAR_INSTALL_ARCH:-$(uname -m)}
  case "$os" in
    Linux | linux) os=linux ;;
    Darwin | darwin | macos) os=darwin ;;
    MINGW* | MSYS* | CYGWIN* | Windows* | windows)
      fail "this script does not install on Windows." \
        "Download pensar-windows-x64.zip from $DEFAULT_BASE/latest, unpack pensar.exe and put it on your PATH." ;;
    *) unsupported "$os" "$arch" ;;
  esac
  case "$arch" in
    x86_64 | amd64 | x64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) unsupported "$os" "$arch" ;;
  esac
  # A shell under Rosetta reports x86_64 on an Apple silicon Mac; the native binary is better.
  if [ "$os" = darwin ] && [ "$arch" = x64 ] && [ -z "${PENSAR_INSTALL_ARCH:-}" ] &&
    [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then
    arch=arm64
  fi
  platform="$os-$arch"
  libc=$(detect_libc)
  if [ "$os" = linux ] && [ "$libc" = musl ]; then
    [ "$arch" = x64 ] || unsupported "$os" "$arch (musl)"
    platform="$platform-musl"
  fi
  echo "$platform"
}

detect_libc() {
  if [ -n "${PENSAR_INSTALL_LIBC:-}" ]; then
    case "$PENSAR_INSTALL_LIBC" in
      musl | glibc) echo "$PENSAR_INSTALL_LIBC" ;;
      *) fail "PENSAR_INSTALL_LIBC must be glibc or musl, not \"$PENSAR_INSTALL_LIBC\"." ;;
    esac
  elif [ -n "${PENSAR_INSTALL_OS:-}" ]; then
    echo glibc # a forced OS describes another machine: don't look at this one's libc
  elif getconf GNU_LIBC_VERSION >/dev/null 2>&1; then
    echo glibc # checked first: Debian's musl package adds a musl loader to a glibc system
  elif ls /lib/ld-musl-* >/dev/null 2>&1 || (ldd --version 2>&1 | grep -qi musl); then
    echo musl
  else
    echo glibc
  fi
}

# Before anything is downloaded: without these the musl build does not start ("Error loading
# shared library libstdc++.so.6"), and nothing this script can do would fix that.
check_musl_libraries() {
  [ "$1" = linux-x64-musl ] || return 0
  [ -z "${PENSAR_INSTALL_OS:-}" ] || return 0 # a forced OS describes another machine
  missing=""
  for lib in $MUSL_LIBS; do
    found=""
    for libdir in $(musl_library_path); do
      if [ -e "$libdir/$lib" ]; then found=1 && break; fi
    done
    [ -n "$found" ] || missing="$missing $lib"
  done
  [ -n "$missing" ] || return 0
  if command -v apk >/dev/null 2>&1; then
    how="Install them with \`apk add libstdc++ libgcc\` (as root), then run this again."
  else
    how="Install your system's libstdc++ and libgcc packages (on Alpine: \`apk add libstdc++ libgcc\`), then run this again."
  fi
  fail "pensar for musl needs the C++ runtime libraries libstdc++ and libgcc, and this system lacks:$missing. Nothing was installed." "$how"
}

# Where musl's loader looks, one folder per word: LD_LIBRARY_PATH, then its path file (folders
# separated by colons or newlines), else its built-in /lib:/usr/local/lib:/usr/lib.
musl_library_path() {
  if [ -n "${PENSAR_INSTALL_LIBDIRS:-}" ]; then
    dirs=$PENSAR_INSTALL_LIBDIRS
  elif [ -r /etc/ld-musl-x86_64.path ]; then
    dirs=$(tr '\n' ':' </etc/ld-musl-x86_64.path)
  else
    dirs=/lib:/usr/local/lib:/usr/lib
  fi
  printf '%s:%s\n' "${LD_LIBRARY_PATH:-}" "$dirs" | tr ':' ' '
}

# The smallest file of the build that this system can unpack and that SHA256SUMS lists (an
# older release may have only the bare binary): .tar.xz (about 40 MB for linux-x64), .tar.gz
# (about 53 MB), the binary (about 112 MB).
pick_asset() {
  for candidate in "pensar-$1.tar.xz" "pensar-$1.tar.gz" "pensar-$1"; do
    case "$candidate" in
      *.tar.xz) [ -n "$(decompressor xz)" ] || continue ;;
      *.tar.gz) [ -n "$(decompressor gz)" ] || continue ;;
    esac
    if [ -n "$(sum_for "$candidate" "$2")" ]; then
      echo "$candidate"
      return
    fi
  done
  fail "this release has no pensar-$1." "Pick another PENSAR_VERSION, or check PENSAR_INSTALL_BASE."
}

# How to decompress xz or gz here: a command that writes to stdout, or "tar" when tar itself
# reads it (macOS's bsdtar); nothing when this system cannot.
decompressor() {
  command -v tar >/dev/null 2>&1 || return 0
  if [ "$1" = xz ]; then
    if command -v xz >/dev/null 2>&1; then echo "xz -dc"; return; fi
    if command -v xzcat >/dev/null 2>&1; then echo "xzcat"; return; fi # busybox (Alpine)
  else
    if command -v gzip >/dev/null 2>&1; then echo "gzip -dc"; return; fi
  fi
  case "$(tar --version 2>/dev/null | head -n 1)" in
    *bsdtar*) echo tar ;;
  esac
}

# Leaves the binary at $1/unpacked/pensar: the one member named pensar, extracted into a folder
# of its own, so no other path in the archive is ever written.
unpack() {
  mkdir "$1/unpacked"
  case "$2" in
    *.tar.xz) how=$(decompressor xz) ;;
    *.tar.gz) how=$(decompressor gz) ;;
    *)
      cp "$1/$2" "$1/unpacked/pensar"
      return ;;
  esac
  if [ "$how" = tar ]; then
    (cd "$1/unpacked" && tar -xf "$1/$2" pensar) || unpack_failed "$2"
  else
    # A pipeline's status is its last command's: the decompressor's failure is noted in a file.
    (cd "$1/unpacked" && { $how "$1/$2" || : >"$1/unpack-failed"; } | tar -xf - pensar) || unpack_failed "$2"
    [ ! -e "$1/unpack-failed" ] || unpack_failed "$2"
  fi
  if [ ! -f "$1/unpacked/pensar" ] || [ -L "$1/unpacked/pensar" ]; then unpack_failed "$2"; fi
}

unpack_failed() {
  fail "could not unpack $1 (its checksum matched). Nothing was installed." \
    "Check that TMPDIR ($work) has room for about 120 MB, or report it at https://github.com/pensarai/pensar-cli/issues."
}

unsupported() {
  fail "pensar has no build for $1 on $2." "Supported platforms: $SUPPORTED (and windows-x64 as a download)."
}

release_url() {
  case "$2" in
    latest) echo "$1/latest/download" ;;
    *)
      version=${2#v}
      case "$version" in
        '' | *[!0-9A-Za-z.+-]*) fail "PENSAR_VERSION=\"$2\" is not a version." "Use e.g. PENSAR_VERSION=0.2.0, or leave it unset for the latest." ;;
      esac
      echo "$1/download/v$version" ;;
  esac
}

install_dir() {
  if [ -n "${PENSAR_INSTALL_DIR:-}" ]; then
    echo "${PENSAR_INSTALL_DIR%/}"
  elif [ -n "${HOME:-}" ]; then
    echo "$HOME/.local/bin"
  else
    fail "HOME is not set, so there is no ~/.local/bin." "Set PENSAR_INSTALL_DIR to the folder to install into."
  fi
}

pick_downloader() {
  if command -v curl >/dev/null 2>&1; then
    echo curl
  elif command -v wget >/dev/null 2>&1; then
    echo wget
  else
    fail "neither curl nor wget is installed." "Install one of them and run this again."
  fi
}

pick_hasher() {
  if command -v sha256sum >/dev/null 2>&1; then
    echo sha256sum
  elif command -v shasum >/dev/null 2>&1; then
    echo shasum
  else
    fail "neither sha256sum nor shasum is installed, so the download cannot be verified." \
      "Install coreutils (sha256sum) or perl (shasum) and run this again."
  fi
}

download() {
  if [ "$1" = curl ]; then
    # Over https, never follow a redirect down to plain http.
    case "$2" in
      https://*) curl -fsSL --proto '=https' --retry 2 -o "$3" "$2" || download_failed "$2" ;;
      *) curl -fsSL --retry 2 -o "$3" "$2" || download_failed "$2" ;;
    esac
  else
    wget -q -O "$3" "$2" || download_failed "$2"
  fi
}

download_failed() {
  if [ -n "${PENSAR_VERSION:-}" ]; then
    fail "could not download $1." "Check that version ${PENSAR_VERSION#v} exists at ${base}, and your network."
  fi
  fail "could not download $1." "Check your network, or set PENSAR_INSTALL_BASE if you use a mirror."
}

sum_for() {
  awk -v f="$1" '$2 == f || $2 == "*" f { print $1; exit }' "$2"
}

verify_checksum() {
  expected=$(sum_for "$3" "$2/SHA256SUMS")
  [ -n "$expected" ] || fail "SHA256SUMS has no entry for $3." "The release looks incomplete; try again later or pick another PENSAR_VERSION."
  if [ "$1" = sha256sum ]; then
    actual=$(sha256sum "$2/$3" | awk '{ print $1 }')
  else
    actual=$(shasum -a 256 "$2/$3" | awk '{ print $1 }')
  fi
  expected=$(echo "$expected" | tr 'A-F' 'a-f')
  if [ "$actual" != "$expected" ]; then
    fail "checksum mismatch for $3: expected $expected, got $actual. Nothing was installed." \
      "The download was corrupted or tampered with; run this again, and report it if it persists."
  fi
}

path_hint() {
  case ":${PATH:-}:" in
    *":$1:"*)
      found=$(command -v pensar 2>/dev/null || true)
      if [ -n "$found" ] && [ "$found" != "$1/pensar" ]; then
        say "Note: \`pensar\` runs $found, which comes earlier in your PATH than $1."
      fi
      return ;;
  esac
  case "$(basename "${SHELL:-sh}")" in
    zsh) rc="~/.zshrc" line="export PATH=\"$1:\$PATH\"" ;;
    bash) rc="~/.bashrc" line="export PATH=\"$1:\$PATH\"" ;;
    fish) rc="~/.config/fish/config.fish" line="fish_add_path \"$1\"" ;;
    *) rc="~/.profile" line="export PATH=\"$1:\$PATH\"" ;;
  esac
  say ""
  say "$1 is not on your PATH. Add it by running:"
  say "  echo '$line' >> $rc"
  say "then open a new terminal (or run: $line)."
}

cleanup() {
  [ -z "${staged:-}" ] || rm -f "$staged"
  [ -z "${work:-}" ] || rm -rf "$work"
}

say() {
  printf '%s\n' "$*"
}

fail() {
  printf 'pensar install: %s\n' "$1" >&2
  [ -z "${2:-}" ] || printf '%s\n' "$2" >&2
  exit 1
}

main "$@"
