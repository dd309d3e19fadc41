#!/usr/bin/env bash
# Fulfillment throughput on FerretDB: per-document Model.create vs raw insertMany (batches of 100)
# vs the worker's path, in one run, as ratios. The script lives in services/fulfillment/bench (it
# needs that package's dependencies); this wrapper only runs it. Extra arguments are passed on, e.g.
#   bash bench/fulfillment-throughput.sh --rewards 50000 --customers 50
# MONGO_URL set: use that server; unset: a private FerretDB on a free port (no shared noise).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../services/fulfillment"
exec node --conditions=source --import tsx bench/throughput.ts "$@"
