#!/usr/bin/env bash
# Install the Debian packages socialkit needs beyond Python, only when they are missing:
#   chromium        headless browser for PDF export (chromium engine) and JupyterLab browser tests
#   poppler-utils   pdftoppm/pdftotext, to look inside exported PDFs
#   libpango        text layout for WeasyPrint (the default PDF engine)
#   fonts-dejavu    a font that SVG charts and PDFs can rely on
#   postgresql      a PostgreSQL server (initdb, pg_ctl) the tests start to check the run history on a server
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || missing+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || missing+=(libpangoft2-1.0-0)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -eq 0 ]; then
  echo "==> system packages present (chromium, poppler-utils, pango, fonts, postgresql)"
  exit 0
fi
echo "==> installing system packages: ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "warning: apt-get not found; install ${missing[*]} with your package manager (PDF via chromium, browser tests and the PostgreSQL history tests need them)" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "warning: not root and no passwordless sudo; run: sudo apt-get install ${missing[*]}" >&2
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
