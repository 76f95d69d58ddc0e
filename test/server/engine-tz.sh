#!/usr/bin/env bash
# The slot engine must not depend on the process time zone: run its suite
# under zones with negative, positive, half-hour and 45-minute offsets.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
for tz in UTC America/Los_Angeles Asia/Kolkata Pacific/Chatham; do
  TZ=$tz node --import tsx --test test/server/engine.test.ts || exit 1
done
