#!/usr/bin/env bash
# Runs the whole suite (`npm test`) with the clock of every process — Node, workerd, Chromium — seen as other
# dates, to prove that no test depends on today's date. Uses Debian's `datefudge` (an LD_PRELOAD that shifts
# time(), gettimeofday() and clock_gettime(CLOCK_REALTIME); the clock keeps running from the given moment).
# libfaketime is no use here: it deadlocks workerd's tcmalloc at start-up.
#
#   npm run test:dates                              # the default moments below
#   npm run test:dates -- "2027-07-20 02:00 UTC"    # any moments `date -d` understands
#   npm run test:dates:ci                           # one moment, the files that read the year (cheap enough for CI):
#                                                   # 2026-12-31 16:30 UTC is already 2027 in Shanghai, still 2026 on a UTC host
#
# DATES_FILES="<test files>" runs only those files (npx vitest run) instead of the whole suite.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! command -v datefudge >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq datefudge >/dev/null
fi
if [ "$#" -gt 0 ]; then MOMENTS=("$@"); else
  MOMENTS=(
    "2027-02-28 23:30 UTC" # Monday 07:30 in Asia/Shanghai while it is still Sunday in UTC (local week ≠ UTC week)
    "2027-03-07 15:50 UTC" # Sunday 23:50 in Asia/Shanghai: the local week turns during the run
    "2026-12-31 15:50 UTC" # 23:50 on 31 December in Asia/Shanghai (ISO week 2026-W53): the year turns during the run
    "2027-02-03 02:00 UTC" # the winter break of the fixture calendar (寒假 2027-01-23 – 2027-02-21)
  )
fi
failed=()
for moment in "${MOMENTS[@]}"; do
  echo "=== npm test at $moment"
  # a bundle built under another clock is rebuilt, so every run starts the same way
  rm -rf .test-dist
  if [ -n "${DATES_FILES:-}" ]; then
    # shellcheck disable=SC2086 # a list of files
    if ! datefudge "$moment" npx vitest run $DATES_FILES; then failed+=("$moment"); fi
  elif ! datefudge "$moment" npm test; then failed+=("$moment"); fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  printf 'failed at: %s\n' "${failed[@]}"
  exit 1
fi
echo "passed at every moment: ${MOMENTS[*]}"
