# Sourced by the scripts: a virtual environment in .venv with the pinned requirements.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "Tạo môi trường ảo .venv …"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements-$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "Cài đặt thư viện (requirements-dev.txt) …"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements-dev.txt
  rm -f .venv/.requirements-* && touch "$stamp"
fi
