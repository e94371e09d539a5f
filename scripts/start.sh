#!/usr/bin/env bash
# Install, fill data/tracker.db with the demo district the first time, and open the dashboard.
source "$(dirname "$0")/_venv.sh"
if [ -z "${DATABASE_URL:-}" ] && [ ! -f data/tracker.db ]; then
  .venv/bin/python cli.py demo
fi
.venv/bin/python cli.py progress >/dev/null  # brings the schema up to date
exec .venv/bin/python -m streamlit run app.py "$@"
