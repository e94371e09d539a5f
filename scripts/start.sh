#!/usr/bin/env bash
# Install, fill data/tracker.db with the demo district the first time, and open the dashboard.
# Serves on 127.0.0.1 (this machine only) unless told otherwise: TRACKER_ADDRESS=0.0.0.0, or
# `--server.address 0.0.0.0` among the arguments, opens it to the network.
source "$(dirname "$0")/_venv.sh"
if [ -z "${DATABASE_URL:-}" ] && [ ! -f data/tracker.db ]; then
  .venv/bin/python cli.py demo
fi
.venv/bin/python cli.py progress >/dev/null  # brings the schema up to date
address=${TRACKER_ADDRESS:-127.0.0.1}
for argument in "$@"; do
  case "$argument" in --server.address|--server.address=*) address="" ;; esac
done
if [ -n "$address" ]; then
  set -- --server.address "$address" "$@"
  if [ "$address" = 127.0.0.1 ]; then
    echo "Chỉ mở trên máy này: http://localhost:8501. Để máy khác trong mạng truy cập, chạy:"
    echo "  TRACKER_ADDRESS=0.0.0.0 bash scripts/start.sh   (hoặc thêm --server.address 0.0.0.0)"
  fi
fi
exec .venv/bin/python -m streamlit run app.py "$@"
