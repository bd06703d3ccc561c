#!/usr/bin/env bash
# Brings the toolchain a fresh machine lacks, then runs the given command with it:
# Node 22 from the npm registry when the system Node is older, the npm dependencies
# when missing or stale, and the Debian packages the tests need.
# Usage: scripts/toolchain.sh [--with-system-packages] -- COMMAND [ARGS…]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

want_system=0
while [ $# -gt 0 ]; do
  case "$1" in
    --with-system-packages) want_system=1; shift ;;
    --) shift; break ;;
    *) break ;;
  esac
done

say() { printf '[toolchain] %s\n' "$*" >&2; }

# Node 22: Electron 45 embeds Node 22, and better-sqlite3-multiple-ciphers 13 needs it.
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major node)" -lt 22 ]; then
  local_node="$root/.toolchain/node_modules/node/bin/node"
  if [ ! -x "$local_node" ] || [ "$(node_major "$local_node")" -lt 22 ]; then
    say "system Node is $(node --version 2>/dev/null || echo missing); installing Node 22 into .toolchain/"
    mkdir -p .toolchain
    npm install --prefix .toolchain --no-save --no-package-lock --loglevel=error node@22 >&2
  fi
  export PATH="$root/.toolchain/node_modules/node/bin:$PATH"
fi

# npm 11: with npm 10 the lockfile's Vite 8 / rolldown bindings do not install (seen on
# machines of this kind whose npm upgrade failed), so bring npm 11 the same way.
npm_major() { npm --version 2>/dev/null | cut -d. -f1 || echo 0; }
if [ "$(npm_major)" -lt 11 ]; then
  local_npm="$root/.toolchain/npm/node_modules/npm/bin/npm-cli.js"
  if [ ! -f "$local_npm" ]; then
    say "npm is $(npm --version 2>/dev/null || echo missing); installing npm 11 into .toolchain/npm"
    mkdir -p .toolchain/npm
    npm install --prefix .toolchain/npm --no-save --no-package-lock --loglevel=error npm@11 >&2
  fi
  export PATH="$root/.toolchain/npm/node_modules/.bin:$PATH"
fi

# Debian packages the tests start for real: Chromium (renderer and OAuth browser half),
# D-Bus + gnome-keyring (the OS keychain), OpenSSL (test CA), Dovecot (the IMAP server;
# the LMTP daemon for delivery tests), Postfix (the SMTP server, test/support/postfix.ts), isync (mbsync, the IMAP benchmark's peer).
if [ "$want_system" = 1 ]; then
  needed=(chromium dbus gnome-keyring libsecret-1-0 openssl ca-certificates dovecot-imapd dovecot-lmtpd postfix isync)
  missing=()
  for p in "${needed[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    say "installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq >&2
    # Postfix: "No configuration" leaves /etc/postfix/main.cf absent, and without it the
    # package's init script and systemd unit start nothing, now or at boot.
    echo 'postfix postfix/main_mailer_type select No configuration' | $sudo debconf-set-selections
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
  # The tests start private Postfix instances (postfix -c DIR); a system one must not run.
  pid="$(tr -d ' \n' 2>/dev/null </var/spool/postfix/pid/master.pid || true)"
  if [ -n "$pid" ] && [ -d "/proc/$pid" ] && grep -q master "/proc/$pid/comm" 2>/dev/null; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    say "stopping the system Postfix (pid $pid): the tests start their own instances"
    $sudo /usr/sbin/postfix stop >&2 || $sudo kill "$pid"
  fi
fi

# npm dependencies: install when node_modules is missing or older than the lockfile.
stamp="node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  say "installing npm dependencies"
  # The Electron binary cannot be downloaded here; the shell runs wherever it is installed.
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --loglevel=error >&2 || ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --loglevel=error >&2
  touch "$stamp"
fi

export PATH="$root/node_modules/.bin:$PATH"
exec "$@"
