#!/usr/bin/env bash
# The whole test suite, on SQLite and (when it answers) PostgreSQL at TEST_POSTGRES_URL.
source "$(dirname "$0")/_venv.sh"
export TEST_POSTGRES_URL=${TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
exec .venv/bin/python -m pytest "$@"
