#!/usr/bin/env bash
# Builds Gatehouse's own container images without Docker and pushes them to the local registry:
#   1. a minimal, non-root Debian 12 base (the debootstrap minbase layer of scripts/build-test-images.sh plus one
#      layer: libssl3, ca-certificates, user nonroot 65532), cached outside the repo and keyed by its inputs,
#      pushed with skopeo to <registry>/gatehouse/base:12;
#   2. the five services with the SDK's PublishContainer target (self-contained linux-x64) on that base, all in one
#      MSBuild run (scripts/platform-images.proj; the same as `dotnet publish -t:PublishContainer` per project),
#      pushed by the SDK to <registry>/gatehouse/<service>;
#   3. the digests the SDK reported, one line per service, into the digests file (for scripts/pin-prod-images.sh
#      and the integration tests).
#
#   scripts/build-platform-images.sh [--out FILE]   everything (default FILE: <repo>/.state/platform-images.tsv)
#   scripts/build-platform-images.sh --base-only     only build (or reuse) and push the base image
#   scripts/build-platform-images.sh --print-base    print the base image's cache directory and exit
#
# Digests file (tab-separated, '#' lines are comments):
#   <service>  <registry>/gatehouse/<service>  sha256:<manifest digest>  <tag>
# It is replaced atomically, only when all five images were pushed.
#
# Settings (environment, with defaults):
#   GATEHOUSE_PLATFORM_REGISTRY   127.0.0.1:5000                 where the base and the service images go
#   GATEHOUSE_IMAGE_CACHE         ~/.cache/gatehouse/images      cache root shared with build-test-images.sh
#   GATEHOUSE_PLATFORM_ARTIFACTS  <repo>/.state/platform-build   dotnet's obj/bin for these publishes (isolated
#                                                                from the Debug build the tests use)
# Needs root for the base (chroot); no mounts are made. Timings go to stderr.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
REGISTRY="${GATEHOUSE_PLATFORM_REGISTRY:-127.0.0.1:5000}"
CACHE_ROOT="${GATEHOUSE_IMAGE_CACHE:-${HOME:-/root}/.cache/gatehouse/images}"
BASE_CACHE="$CACHE_ROOT/platform-base"
ARTIFACTS="${GATEHOUSE_PLATFORM_ARTIFACTS:-$REPO_ROOT/.state/platform-build}"
OUT="$REPO_ROOT/.state/platform-images.tsv"

# service name -> project (relative to the repo root)
SERVICES=(registry-watcher scanner signer policy admission)
declare -A PROJECTS=(
  [registry-watcher]=services/registry-watcher/Gatehouse.RegistryWatcher/Gatehouse.RegistryWatcher.csproj
  [scanner]=services/scanner/Gatehouse.Scanner/Gatehouse.Scanner.csproj
  [signer]=services/signer/Gatehouse.Signer/Gatehouse.Signer.csproj
  [policy]=services/policy/Gatehouse.Policy/Gatehouse.Policy.csproj
  [admission]=services/admission/Gatehouse.Admission/Gatehouse.Admission.csproj
)

# The base image recipe. Everything that shapes the base is in these values and in build_base below; the
# cache key is a hash of both plus the digest of the debootstrap image it starts from.
BASE_REPOSITORY=gatehouse/base
BASE_TAG=12
BASE_DEBS=(libssl3 ca-certificates)   # InvariantGlobalization is on for every project: no libicu
APP_UID=65532                         # the deployments' runAsUser/runAsGroup
APP_USER=nonroot
HTTP_PORT=8080                        # the deployments' containerPort and ASPNETCORE_HTTP_PORTS

MODE=all
while (($#)); do
  case "$1" in
    --out) OUT="${2:?--out needs a file}"; shift 2 ;;
    --base-only) MODE=base; shift ;;
    --print-base) MODE=print-base; shift ;;
    -h|--help) sed -n '2,26p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "usage: $0 [--out FILE] [--base-only] [--print-base]" >&2; exit 2 ;;
  esac
done
[[ "$OUT" == /* ]] || OUT="$(pwd)/$OUT"

log() { printf '[platform-images %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }
secs_since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%ds' $((ms / 1000)) $(((ms % 1000) / 100)); }

# ------------------------------------------------------------------ base image

DEBIAN_IMAGES="$(bash "$SCRIPT_DIR/build-test-images.sh" --print-dir)"
DEBIAN_LAYOUT="$DEBIAN_IMAGES/debian12"

# "layout:tag" -> manifest digest (from the OCI index)
layout_digest() {
  local layout=${1%:*} tag=${1##*:}
  node -e '
    const idx = JSON.parse(require("fs").readFileSync(process.argv[1] + "/index.json", "utf8"));
    const m = idx.manifests.find(m => (m.annotations || {})["org.opencontainers.image.ref.name"] === process.argv[2]);
    if (!m) process.exit(1);
    console.log(m.digest);' "$layout" "$tag"
}

# Runs in a subshell with WORK (scratch dir), FROM (debian12 layout) and DEST (output dir) set.
build_base() {
  local layout="$DEST/base" bundle="$WORK/bundle" r umoci=(umoci --log error)
  cp -a "$FROM" "$layout"
  "${umoci[@]}" unpack --image "$layout:12" "$bundle"
  r="$bundle/rootfs"
  [[ "$r" == "$WORK"/?* ]] || return 1
  # No mounts: device nodes for apt/dpkg, the host's resolver; both removed again before packing.
  mkdir -p "$r/dev"
  mknod -m 666 "$r/dev/null" c 1 3
  mknod -m 666 "$r/dev/zero" c 1 5
  mknod -m 666 "$r/dev/random" c 1 8
  mknod -m 666 "$r/dev/urandom" c 1 9
  cp --remove-destination /etc/resolv.conf "$r/etc/resolv.conf"
  {
    chroot "$r" apt-get -o Dpkg::Use-Pty=0 update -qq &&
    DEBIAN_FRONTEND=noninteractive chroot "$r" apt-get -o Dpkg::Use-Pty=0 install -y -qq --no-install-recommends "${BASE_DEBS[@]}" &&
    chroot "$r" apt-get clean &&
    chroot "$r" groupadd --system --gid "$APP_UID" "$APP_USER" &&
    chroot "$r" useradd --system --uid "$APP_UID" --gid "$APP_UID" --home-dir "/home/$APP_USER" --create-home \
      --shell /usr/sbin/nologin "$APP_USER"
  } </dev/null >"$WORK/apt.log" 2>&1 || { tail -30 "$WORK/apt.log" >&2; return 1; }
  find "$r/dev" -mindepth 1 -delete
  rm -f "$r/etc/resolv.conf" "$r/etc/hostname"
  rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/cache/apt/archives/partial/* "$r"/var/cache/apt/*.bin \
    "$r"/var/lib/apt/lists/* "$r"/var/log/apt/* "$r"/var/log/dpkg.log "$r"/tmp/* "$r"/var/tmp/*
  mkdir -p "$r/var/lib/apt/lists/partial"
  chroot "$r" dpkg-query -W -f='${Package}\t${Version}\t${source:Package}\t${source:Version}\n' | LC_ALL=C sort \
    >"$DEST/base.dpkg-query.tsv"
  "${umoci[@]}" repack --image "$layout:12" \
    --history.created_by "apt-get install --no-install-recommends ${BASE_DEBS[*]}; useradd --uid $APP_UID $APP_USER" "$bundle"
  # APP_UID and ASPNETCORE_HTTP_PORTS are what the SDK reads for the image's user and port.
  "${umoci[@]}" config --image "$layout:12" --tag "$BASE_TAG" --os linux --architecture amd64 \
    --clear=config.cmd --clear=config.entrypoint \
    --config.user "$APP_UID:$APP_UID" \
    --config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --config.env "APP_UID=$APP_UID" \
    --config.env "ASPNETCORE_HTTP_PORTS=$HTTP_PORT" \
    --config.env "DOTNET_RUNNING_IN_CONTAINER=true" \
    --config.workingdir / \
    --config.label "org.opencontainers.image.title=gatehouse-base" \
    --config.label "org.opencontainers.image.description=Debian 12 minbase, libssl3, ca-certificates, non-root user $APP_USER ($APP_UID)" \
    --author gatehouse --no-history
  [[ "$BASE_TAG" == 12 ]] || "${umoci[@]}" rm --image "$layout:12"
  "${umoci[@]}" gc --layout "$layout"
  rm -rf "$bundle"
}

base_key() {
  { declare -f build_base
    printf '%s\n' "$BASE_TAG" "${BASE_DEBS[*]}" "$APP_UID" "$APP_USER" "$HTTP_PORT" "$(layout_digest "$DEBIAN_LAYOUT:12")"
  } | sha256sum | cut -c1-16
}

ensure_base() {
  local t key dir
  t=$(now_ms)
  bash "$SCRIPT_DIR/build-test-images.sh" >&2    # the debootstrap image (a no-op when cached)
  key="$(base_key)"
  dir="$BASE_CACHE/$key"
  if [[ -s "$dir/digest" ]]; then
    log "base: cached $dir"
  else
    [[ $(id -u) == 0 ]] || die "building the base image needs root (chroot)"
    mkdir -p "$BASE_CACHE"
    exec 8>"$BASE_CACHE/.lock"
    flock -w 900 8 || die "could not lock $BASE_CACHE/.lock"
    if [[ ! -s "$dir/digest" ]]; then
      local scratch
      scratch="$(mktemp -d "$BASE_CACHE/.build-$key.XXXXXX")"
      # shellcheck disable=SC2064
      trap "rm -rf '$scratch'" EXIT
      mkdir -p "$scratch/out"
      log "base: building $key from $DEBIAN_LAYOUT"
      ( WORK="$scratch" FROM="$DEBIAN_LAYOUT" DEST="$scratch/out"; build_base ) || die "building the base image failed"
      layout_digest "$scratch/out/base:$BASE_TAG" >"$scratch/out/digest"
      { echo "key: $key"; echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"; echo "from: $DEBIAN_LAYOUT:12 $(layout_digest "$DEBIAN_LAYOUT:12")"
        echo "time: $(secs_since "$t")"; } >"$scratch/out/build-info.txt"
      mv -T "$scratch/out" "$dir"
      rm -rf "$scratch"
      trap - EXIT
      # Older recipes' bases (and scratch left by interrupted runs) go.
      for old in "$BASE_CACHE"/* "$BASE_CACHE"/.build-*; do
        [[ -e "$old" && "$old" != "$dir" && "$old" != "$BASE_CACHE/.lock" ]] || continue
        [[ "$old" == "$BASE_CACHE/.build-"* ]] && find "$old" -maxdepth 0 -mmin -60 | grep -q . && continue
        log "base: removing $old"
        rm -rf "$old"
      done
      log "base: built in $(secs_since "$t")"
    fi
    exec 8>&-
  fi
  BASE_DIR="$dir"
  BASE_DIGEST="$(cat "$dir/digest")"
}

push_base() {
  local t; t=$(now_ms)
  curl -fs -o /dev/null --max-time 5 "http://$REGISTRY/v2/" || die "no registry at http://$REGISTRY/ (scripts/infra.sh start registry)"
  skopeo copy --quiet --dest-tls-verify=false --preserve-digests \
    "oci:$BASE_DIR/base:$BASE_TAG" "docker://$REGISTRY/$BASE_REPOSITORY:$BASE_TAG" >&2 \
    || die "skopeo could not push the base image"
  log "base: $REGISTRY/$BASE_REPOSITORY:$BASE_TAG@$BASE_DIGEST pushed in $(secs_since "$t")"
}

if [[ $MODE == print-base ]]; then
  echo "$BASE_CACHE/$(base_key)"
  exit 0
fi

T_ALL=$(now_ms)
ensure_base
push_base
[[ $MODE == base ]] && exit 0

# ------------------------------------------------------------------ service images

command -v dotnet >/dev/null || die "dotnet not found"
TAG="latest"
if sha="$(git -C "$REPO_ROOT" rev-parse --short=12 HEAD 2>/dev/null)"; then TAG="git-$sha"; fi
export DOTNET_CONTAINER_INSECURE_REGISTRIES="$REGISTRY${DOTNET_CONTAINER_INSECURE_REGISTRIES:+,$DOTNET_CONTAINER_INSECURE_REGISTRIES}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDTERMINALLOGGER=off
mkdir -p "$ARTIFACTS" "$(dirname "$OUT")"
ROWS="$(mktemp "$OUT.XXXXXX")"
trap 'rm -f "$ROWS"' EXIT
printf '# service\timage\tdigest\ttag\n' >"$ROWS"
printf '# base %s/%s:%s@%s\n' "$REGISTRY" "$BASE_REPOSITORY" "$BASE_TAG" "$BASE_DIGEST" >>"$ROWS"

# All five in one MSBuild run (scripts/platform-images.proj): the shared projects are evaluated and built once,
# two nodes publish in parallel. The target result is the SDK's own report of each pushed manifest's digest.
t=$(now_ms)
log_file="$ARTIFACTS/publish.log"
if ! report="$(dotnet msbuild "$SCRIPT_DIR/platform-images.proj" -restore -m -nologo -t:PublishImages \
      -p:ArtifactsPath="$ARTIFACTS" \
      -p:ContainerBaseImage="$REGISTRY/$BASE_REPOSITORY:$BASE_TAG@$BASE_DIGEST" \
      -p:ContainerRegistry="$REGISTRY" \
      -p:ContainerImageTags="\"$TAG;latest\"" \
      -getTargetResult:PublishImages -bl:"$ARTIFACTS/publish.binlog" </dev/null 2>"$log_file")"; then
  printf '%s\n' "$report" | grep -E 'error|warning' | tail -40 >&2
  tail -20 "$log_file" >&2
  die "dotnet msbuild scripts/platform-images.proj -t:PublishImages failed (binlog: $ARTIFACTS/publish.binlog)"
fi
# project file -> digest, one line each
mapfile -t published < <(node -e '
  const r = JSON.parse(process.argv[1]).TargetResults.PublishImages;
  if (r.Result !== "Success") process.exit(1);
  for (const i of r.Items) console.log(i.MSBuildSourceProjectFile + " " + i.ManifestDigest);' "$report") \
  || die "unexpected output from the publish: $report"
publish_time="$(secs_since "$t")"
for service in "${SERVICES[@]}"; do
  project="$REPO_ROOT/${PROJECTS[$service]}"
  digest="$(printf '%s\n' "${published[@]}" | awk -v p="$project" '$1 == p { print $2 }' | sort -u)"
  [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || die "$service: the SDK reported no digest for $project ('$digest')"
  # The digest is in the repository this service is expected at (the project's ContainerRepository).
  curl -fsI -o /dev/null --max-time 10 \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
    "http://$REGISTRY/v2/gatehouse/$service/manifests/$digest" \
    || die "$service: $REGISTRY/gatehouse/$service@$digest is not in the registry (ContainerRepository of $project?)"
  printf '%s\t%s\t%s\t%s\n' "$service" "$REGISTRY/gatehouse/$service" "$digest" "$TAG" >>"$ROWS"
  log "$service: $REGISTRY/gatehouse/$service@$digest"
done
log "services: published and pushed in $publish_time"

mv -f "$ROWS" "$OUT"
trap - EXIT
log "all five images pushed in $(secs_since "$T_ALL"); digests in $OUT"
