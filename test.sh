#!/usr/bin/env bash
# Runs the whole test suite the way CI does: installs and starts the local infrastructure
# (RabbitMQ, Redis, registry), builds or reuses the cached test images, builds and pushes
# Gatehouse's own service images (scripts/build-platform-images.sh), exports the test
# environment, runs `dotnet test Platform.sln [extra args]`, and stops what it started.
#
#   ./test.sh                                   everything
#   ./test.sh --filter 'FullyQualifiedName~Scanner'
#   GATEHOUSE_KEEP_INFRA=1 ./test.sh ...        leave the services running afterwards (developers)
#   GATEHOUSE_SKIP_PLATFORM_IMAGES=1 ./test.sh  reuse the platform images of an earlier run (developers; ignored in CI)
#
# Exit code: dotnet test's (or the failing setup step's). The last line is "N passed, N failed[, N skipped]",
# summed over the per-assembly summaries.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
REPO_ROOT="$(pwd)"
DOTNET="${GATEHOUSE_DOTNET:-dotnet}"   # only for testing this script itself

STARTED_FILE="$(mktemp /tmp/gatehouse-test-started.XXXXXX)"
TEST_LOG="$(mktemp /tmp/gatehouse-test-log.XXXXXX)"

cleanup() {
  local rc=$?
  # If we are leaving early while services are still starting, let that finish (it is bounded)
  # so that everything it started is recorded and stopped below.
  if [[ -n "${infra_pid:-}" ]]; then wait "$infra_pid" 2>/dev/null || true; fi
  if [[ "${GATEHOUSE_KEEP_INFRA:-0}" == 1 ]]; then
    [[ -s "$STARTED_FILE" ]] && echo "[test.sh] GATEHOUSE_KEEP_INFRA=1: leaving $(tr '\n' ' ' <"$STARTED_FILE")running (stop: scripts/infra.sh stop)" >&2
  elif [[ -s "$STARTED_FILE" ]]; then
    mapfile -t started <"$STARTED_FILE"
    echo "[test.sh] stopping what this run started: ${started[*]}" >&2
    bash "$REPO_ROOT/scripts/infra.sh" stop "${started[@]}" || echo "[test.sh] WARNING: infra.sh stop failed" >&2
  fi
  rm -f "$STARTED_FILE" "$TEST_LOG"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$(date +%s)
bash scripts/infra.sh install          # Debian packages, needed by both steps below
# Start the services (RabbitMQ takes a few seconds) while the images build or load from the cache.
GATEHOUSE_INFRA_STARTED_FILE="$STARTED_FILE" bash scripts/infra.sh start &
infra_pid=$!
images_rc=0
bash scripts/build-test-images.sh || images_rc=$?
infra_rc=0
wait "$infra_pid" || infra_rc=$?
infra_pid=""
((infra_rc == 0)) || { echo "[test.sh] scripts/infra.sh start failed ($infra_rc)" >&2; exit "$infra_rc"; }
((images_rc == 0)) || { echo "[test.sh] scripts/build-test-images.sh failed ($images_rc)" >&2; exit "$images_rc"; }
eval "$(bash scripts/infra.sh env)"
# Gatehouse's own images: base (cached) and the five services, pushed to the local registry; the integration
# tests run them through the pipeline and check the prod overlay's pinning (GATEHOUSE_TEST_PLATFORM_IMAGES).
# GATEHOUSE_SKIP_PLATFORM_IMAGES=1 reuses the digests file of an earlier run (developers; never in CI).
if [[ "${GATEHOUSE_SKIP_PLATFORM_IMAGES:-0}" == 1 && -z "${CI:-}" ]]; then
  echo "[test.sh] GATEHOUSE_SKIP_PLATFORM_IMAGES=1: not building the platform images; using $GATEHOUSE_TEST_PLATFORM_IMAGES" >&2
else
  t_platform=$(date +%s)
  bash scripts/build-platform-images.sh --out "$GATEHOUSE_TEST_PLATFORM_IMAGES" \
    || { rc=$?; echo "[test.sh] scripts/build-platform-images.sh failed ($rc)" >&2; exit "$rc"; }
  echo "[test.sh] platform images built and pushed in $(( $(date +%s) - t_platform ))s" >&2
fi
env | grep '^GATEHOUSE_TEST_' | sort | sed 's/^/[test.sh]   /' >&2
echo "[test.sh] infrastructure and images ready in $(( $(date +%s) - t0 ))s" >&2

# Keep the output format predictable (no terminal logger, even on a TTY) so the summary can be read.
export MSBUILDTERMINALLOGGER=off
set +e
"$DOTNET" test Platform.sln "$@" </dev/null 2>&1 | tee "$TEST_LOG"
rc=${PIPESTATUS[0]}
set -e

# Per-assembly summaries look like
#   Passed!  - Failed:     0, Passed:    42, Skipped:     1, Total:    43, Duration: 2 s - X.Tests.dll (net10.0)
#   Failed!  - Failed:     1, Passed:    41, Skipped:     1, Total:    43, Duration: 2 s - X.Tests.dll (net10.0)
# (newer SDKs / Microsoft.Testing.Platform: "... total: 43, failed: 1, succeeded: 41, skipped: 1, ...").
summary="$(sed 's/\x1b\[[0-9;]*m//g' "$TEST_LOG" | awk '
  function num(s, key,   m) { if (match(s, key "[ \t]*[0-9]+")) { m = substr(s, RSTART, RLENGTH); gsub(/[^0-9]/, "", m); return m + 0 } return -1 }
  /(Passed|Failed)!  *- *Failed: *[0-9]+, *Passed: *[0-9]+/ {
    p += num($0, "Passed:"); f += num($0, "Failed:"); s0 = num($0, "Skipped:"); if (s0 > 0) s += s0; n++; next }
  /[Tt]otal: *[0-9]+, *failed: *[0-9]+, *succeeded: *[0-9]+/ && !/Test summary/ {
    p += num($0, "succeeded:"); f += num($0, "failed:"); s0 = num($0, "skipped:"); if (s0 > 0) s += s0; n++; next }
  /Test summary: *total: *[0-9]+, *failed: *[0-9]+, *succeeded: *[0-9]+/ {
    tp = num($0, "succeeded:"); tf = num($0, "failed:"); ts = num($0, "skipped:"); t++ }
  END {
    if (n == 0 && t > 0) { p = tp; f = tf; s = (ts > 0 ? ts : 0); n = 1 }
    printf "%d %d %d %d\n", n, p, f, s }')"
read -r assemblies passed failed skipped <<<"$summary"

if ((assemblies == 0)); then
  echo "[test.sh] no test summary found in the dotnet test output (exit code $rc)" >&2
fi
if ((rc != 0 && failed == 0)); then
  echo "[test.sh] dotnet test exited with $rc (build or infrastructure failure?)" >&2
fi
echo "[test.sh] $assemblies test assemblies, total time $(( $(date +%s) - t0 ))s, dotnet test exit code $rc" >&2
if ((skipped > 0)); then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit "$rc"
