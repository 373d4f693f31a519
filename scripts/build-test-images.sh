#!/usr/bin/env bash
# Builds the real container images the scanner/registry tests use, once, and caches them outside
# the repo (a rerun or another clone on the same machine reuses them).
#
#   scripts/build-test-images.sh              build if the cache for this recipe version is missing
#   scripts/build-test-images.sh --force      rebuild even if cached
#   scripts/build-test-images.sh --print-dir  print the cache directory (GATEHOUSE_TEST_IMAGES) and exit
#
# Cache: ${GATEHOUSE_IMAGE_CACHE:-$HOME/.cache/gatehouse/images}/v<IMAGES_VERSION>/
#   debian12/                          OCI layout, tag 12: Debian 12 minbase (debootstrap), one gzip layer
#   debian12.dpkg-query.tsv            Package, Version, source:Package, source:Version of that rootfs
#   debian12-extra/                    OCI layout, tag 12-extra: same base layer + layer 2 (openssl, curl)
#   debian12-extra.dpkg-query.tsv
#   debian12-extra.layer2-packages.txt package names that layer 2 added, one per line, sorted
#   apps/                              OCI layout, tag apps: same base layer + /opt/npmapp + /opt/dotnetapp
#   apps.npm-packages.tsv              name, version of every package in /opt/npmapp/package-lock.json
#   apps.nuget-packages.tsv            name, version of every NuGet package in the .NET app's deps.json
#   digests.txt                        "<layout>:<tag> <manifest digest>" per image
#   layers.tsv                         layout, tag, layer index, layer digest, size
#   build-info.txt                     when, from which mirror, timings
# The directory appears by an atomic rename only when complete; an interrupted build leaves only a
# .build-* scratch directory, removed by the next run.
set -euo pipefail

# Bump this whenever the recipe below changes: a new version directory is built, old ones removed.
IMAGES_VERSION=2

NPM_PACKAGES=(express@4.21.2 lodash@4.17.21)
NUGET_PACKAGES=("Newtonsoft.Json 13.0.3" "Humanizer.Core 2.14.1")
EXTRA_DEBS=(openssl curl)
SUITE=bookworm

CACHE_ROOT="${GATEHOUSE_IMAGE_CACHE:-${HOME:-/root}/.cache/gatehouse/images}"
OUT_DIR="$CACHE_ROOT/v$IMAGES_VERSION"

FORCE=0
case "${1:-}" in
  --print-dir) echo "$OUT_DIR"; exit 0 ;;
  --force) FORCE=1 ;;
  "") ;;
  *) echo "usage: $0 [--force|--print-dir]" >&2; exit 2 ;;
esac

log() { printf '[images %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }
secs_since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%ds' $((ms / 1000)) $(((ms % 1000) / 100)); }

is_complete() { [[ -s "$OUT_DIR/digests.txt" && -d "$OUT_DIR/debian12" && -d "$OUT_DIR/debian12-extra" && -d "$OUT_DIR/apps" ]]; }

if [[ $FORCE == 0 ]] && is_complete; then
  log "cached: $OUT_DIR"
  exit 0
fi

[[ $(id -u) == 0 ]] || die "must run as root (debootstrap, chroot, umoci unpack)"
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.lock"
flock -w 900 9 || die "could not lock $CACHE_ROOT/.lock"
if [[ $FORCE == 0 ]] && is_complete; then   # built by a concurrent run while we waited
  log "cached: $OUT_DIR"
  exit 0
fi

T_ALL=$(now_ms)
declare -a TIMINGS=()
step_done() { TIMINGS+=("$1 $(secs_since "$2")"); log "$1 done in $(secs_since "$2")"; }

# ------------------------------------------------------------------ tools

ensure_tools() {
  local missing=() p
  for p in umoci skopeo debootstrap; do
    [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" == "install ok installed" ]] || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=300 update -qq </dev/null >/dev/null
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
  fi
  command -v npm >/dev/null || die "npm not found (needed for the apps image)"
  command -v node >/dev/null || die "node not found (needed for the apps image)"
  command -v dotnet >/dev/null || die "dotnet not found (needed for the apps image)"
}

# The Debian mirror apt already uses on this machine (deb822 .sources or one-line sources.list).
# $1: suite to look for (bookworm or bookworm-security); prints the first matching URI.
apt_mirror_for() {
  local want=$1 f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r "$f" ]] || continue
    awk -v want="$want" '
      function flush() {
        if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled != "no" && (" " suites " ") ~ (" " want " ") && uris != "") {
          split(uris, u, /[ \t]+/); print u[1]; found = 1; exit
        }
        types = ""; uris = ""; suites = ""; enabled = ""
      }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]*#/ { next }
      tolower($1) == "types:"   { $1 = ""; types = $0 }
      tolower($1) == "uris:"    { $1 = ""; sub(/^[ \t]+/, ""); uris = $0 }
      tolower($1) == "suites:"  { $1 = ""; sub(/^[ \t]+/, ""); suites = $0 }
      tolower($1) == "enabled:" { enabled = tolower($2) }
      END { if (!found) flush() }
    ' "$f"
  done | head -1 | grep . && return 0
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r "$f" ]] || continue
    awk -v want="$want" '
      $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                    if ($(i + 1) == want) { print $i; exit } }' "$f"
  done | head -1 | grep . && return 0
  return 1
}

MIRROR="$(apt_mirror_for "$SUITE" || echo http://deb.debian.org/debian)"
SECURITY_MIRROR="$(apt_mirror_for "$SUITE-security" || echo http://deb.debian.org/debian-security)"
MIRROR="${MIRROR%/}"
SECURITY_MIRROR="${SECURITY_MIRROR%/}"

# ------------------------------------------------------------------ scratch space and cleanup

# Scratch next to the cache (same file system, so the final rename is atomic).
for old in "$CACHE_ROOT"/.build-*; do
  [[ -e "$old" ]] || continue
  if grep -qF " $old/" /proc/self/mountinfo; then
    log "leaving $old alone: something is still mounted under it"
  else
    log "removing leftover scratch $old"
    rm -rf "$old"
  fi
done
WORK="$(mktemp -d "$CACHE_ROOT/.build-v$IMAGES_VERSION.XXXXXX")"
STAGE="$WORK/out"
mkdir -p "$STAGE"
DOTNET_TMP=""
BG_JOBS=()

# Every destructive step on a rootfs goes through this: the path must be inside our scratch dir.
assert_in_work() {
  [[ -n "${WORK:-}" && -n "${1:-}" && "$1" == "$WORK"/?* && "$1" != *..* ]] \
    || die "refusing to modify '${1:-}': not inside the scratch dir '${WORK:-}'"
}

unmount_under() {
  # Unmount everything mounted below $1, deepest first.
  local dir=$1 m mounts
  [[ -n "${WORK:-}" && "$dir" == "$WORK" ]] || assert_in_work "$dir"
  mapfile -t mounts < <(awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  for m in "${mounts[@]}"; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "WARNING: could not unmount $m"
  done
}

kill_tree() {  # by PID: the process and its descendants
  local pid=$1 child
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do kill_tree "$child"; done
  kill -TERM "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$? j
  for j in "${BG_JOBS[@]}"; do kill_tree "$j"; done
  wait 2>/dev/null || true
  unmount_under "$WORK"
  if grep -qF " $WORK/" /proc/self/mountinfo; then
    log "WARNING: not removing $WORK: still has mounts"
  else
    rm -rf "$WORK"
  fi
  [[ -n "$DOTNET_TMP" ]] && rm -rf "$DOTNET_TMP"
  if ((rc != 0)); then log "FAILED (exit $rc); the cache was not changed"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ chroot helpers

# Make a rootfs usable for `chroot ... apt-get`: device nodes, /proc, resolv.conf. chroot_leave undoes it.
chroot_enter() {
  local r=$1
  assert_in_work "$r"
  mkdir -p "$r/dev" "$r/proc"
  mknod -m 666 "$r/dev/null" c 1 3
  mknod -m 666 "$r/dev/zero" c 1 5
  mknod -m 666 "$r/dev/full" c 1 7
  mknod -m 666 "$r/dev/random" c 1 8
  mknod -m 666 "$r/dev/urandom" c 1 9
  mknod -m 666 "$r/dev/tty" c 5 0
  mount -t proc proc "$r/proc" || log "WARNING: could not mount /proc in the chroot; continuing without"
  cp --remove-destination /etc/resolv.conf "$r/etc/resolv.conf"
}

chroot_leave() {
  local r=$1
  assert_in_work "$r"
  unmount_under "$r"
  rm -f "$r/dev/null" "$r/dev/zero" "$r/dev/full" "$r/dev/random" "$r/dev/urandom" "$r/dev/tty"
  rm -f "$r/etc/resolv.conf"
}

# Remove what apt leaves behind and what should not be in an image layer.
clean_rootfs() {
  local r=$1
  assert_in_work "$r"
  rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/cache/apt/archives/partial/* "$r"/var/cache/apt/*.bin
  rm -rf "$r"/var/lib/apt/lists/*
  mkdir -p "$r/var/lib/apt/lists/partial"
  rm -f "$r/etc/resolv.conf" "$r/etc/hostname"
  rm -rf "$r"/tmp/* "$r"/var/tmp/*
}

dpkg_query() {
  chroot "$1" dpkg-query -W -f='${Package}\t${Version}\t${source:Package}\t${source:Version}\n' | LC_ALL=C sort
}

# umoci helpers: "layout:tag"
manifest_digest() {
  node -e '
    const idx = JSON.parse(require("fs").readFileSync(process.argv[1] + "/index.json", "utf8"));
    const m = idx.manifests.find(m => (m.annotations || {})["org.opencontainers.image.ref.name"] === process.argv[2]);
    if (!m) { console.error("tag not found: " + process.argv[2]); process.exit(1); }
    console.log(m.digest);' "$1" "$2"
}

layers_of() {  # prints "index digest size mediaType" per layer
  node -e '
    const fs = require("fs"), dir = process.argv[1];
    const blob = d => JSON.parse(fs.readFileSync(dir + "/blobs/" + d.replace(":", "/"), "utf8"));
    const m = blob(process.argv[2]);
    m.layers.forEach((l, i) => console.log([i, l.digest, l.size, l.mediaType].join("\t")));' "$1" "$2"
}

# ------------------------------------------------------------------ build

ensure_tools
log "building test images v$IMAGES_VERSION into $OUT_DIR (mirror $MIRROR, security $SECURITY_MIRROR)"

UMOCI=(umoci --log error)
PATH_ENV="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
APPS_ROOT="$WORK/apps-layer"      # becomes the apps image's second layer: /opt/npmapp, /opt/dotnetapp

# The two language apps do not need the Debian rootfs: build them in the background while
# debootstrap runs, into a staging tree that is inserted as one layer afterwards.
build_npm_app() {
  local t dir="$APPS_ROOT/opt/npmapp"
  t=$(now_ms)
  mkdir -p "$dir"
  printf '%s\n' '{' \
    '  "name": "gatehouse-npmapp",' \
    '  "version": "1.0.0",' \
    '  "private": true,' \
    '  "description": "Test fixture: a small npm app with real dependencies",' \
    '  "main": "index.js"' \
    '}' >"$dir/package.json"
  printf '%s\n' 'const express = require("express");' 'const _ = require("lodash");' \
    'express().get("/", (req, res) => res.send(_.capitalize("hello"))).listen(3000);' >"$dir/index.js"
  (cd "$WORK" && npm install --prefix "$dir" --no-audit --no-fund --no-update-notifier \
      --loglevel=error --omit=dev --save-exact "${NPM_PACKAGES[@]}" </dev/null) || return 1
  node -e '
    const lock = require(process.argv[1]);
    const rows = Object.entries(lock.packages || {}).filter(([p]) => p.startsWith("node_modules/"))
      .map(([p, v]) => [v.name || p.replace(/^.*node_modules\//, ""), v.version].join("\t"));
    console.log([...new Set(rows)].sort().join("\n"));' "$dir/package-lock.json" \
    >"$STAGE/apps.npm-packages.tsv" || return 1
  echo "apps: npm install ($(wc -l <"$STAGE/apps.npm-packages.tsv") packages) $(secs_since "$t")" >"$WORK/npm.timing"
}

build_dotnet_app() {
  local t dir="$APPS_ROOT/opt/dotnetapp" refs="" p
  t=$(now_ms)
  # In /tmp, outside the repo (no Directory.Build.props / Directory.Packages.props / global.json
  # above it), and those imports are switched off besides.
  cd "$DOTNET_TMP" || return 1
  dotnet new console -n GatehouseDotnetApp -o src --framework net10.0 --no-restore </dev/null || return 1
  cd src || return 1
  for p in "${NUGET_PACKAGES[@]}"; do
    refs+="    <PackageReference Include=\"${p%% *}\" Version=\"${p#* }\" />"$'\n'
  done
  # The same edit `dotnet add package` makes, without its project evaluation per call.
  awk -v refs="$refs" '/<\/Project>/ { printf "  <ItemGroup>\n%s  </ItemGroup>\n", refs } { print }' \
    GatehouseDotnetApp.csproj >csproj.tmp && mv csproj.tmp GatehouseDotnetApp.csproj
  printf '%s\n' 'using Humanizer;' 'using Newtonsoft.Json;' '' \
    'Console.WriteLine(JsonConvert.SerializeObject(new { message = "hello from gatehouse".Humanize(LetterCasing.Title) }));' \
    >Program.cs
  dotnet publish -c Release -o "$dir" -p:ImportDirectoryBuildProps=false -p:ImportDirectoryBuildTargets=false \
    -p:ImportDirectoryPackagesProps=false -nologo -v:q </dev/null || return 1
  node -e '
    const deps = require(process.argv[1]);
    const rows = Object.entries(deps.libraries || {}).filter(([, v]) => v.type === "package")
      .map(([k]) => k.replace("/", "\t"));
    console.log(rows.sort().join("\n"));' "$dir/GatehouseDotnetApp.deps.json" \
    >"$STAGE/apps.nuget-packages.tsv" || return 1
  echo "apps: dotnet publish ($(wc -l <"$STAGE/apps.nuget-packages.tsv") packages) $(secs_since "$t")" >"$WORK/dotnet.timing"
}

DOTNET_TMP="$(mktemp -d /tmp/gatehouse-dotnetapp.XXXXXX)"
( build_npm_app ) >"$WORK/npm.log" 2>&1 &
NPM_JOB=$!
( build_dotnet_app ) >"$WORK/dotnet.log" 2>&1 &
DOTNET_JOB=$!
BG_JOBS=("$NPM_JOB" "$DOTNET_JOB")

# --- debian12: debootstrap minbase straight into the rootfs of an unpacked empty image
t=$(now_ms)
BASE="$STAGE/debian12"
"${UMOCI[@]}" init --layout "$BASE"
"${UMOCI[@]}" new --image "$BASE:12"
"${UMOCI[@]}" unpack --image "$BASE:12" "$WORK/base"
R="$WORK/base/rootfs"
assert_in_work "$R"
if ! debootstrap --variant=minbase "$SUITE" "$R" "$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
  tail -30 "$WORK/debootstrap.log" >&2
  tail -30 "$R/debootstrap/debootstrap.log" >&2 2>/dev/null || true
  die "debootstrap failed"
fi
unmount_under "$R"
step_done "debootstrap" "$t"

t=$(now_ms)
# apt sources as in Debian's own images: the base packages come from the release, layers built
# on top get updates from bookworm-updates and bookworm-security.
rm -f "$R/etc/apt/sources.list"
printf '%s\n' "Types: deb" "URIs: $MIRROR" "Suites: $SUITE $SUITE-updates" "Components: main" \
  "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" "" \
  "Types: deb" "URIs: $SECURITY_MIRROR" "Suites: $SUITE-security" "Components: main" \
  "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" >"$R/etc/apt/sources.list.d/debian.sources"
clean_rootfs "$R"
assert_in_work "$R/dev"
find "$R/dev" -mindepth 1 -delete   # device nodes come from the container runtime, not the image
dpkg_query "$R" >"$STAGE/debian12.dpkg-query.tsv"
"${UMOCI[@]}" repack --image "$BASE:12" \
  --history.created_by "debootstrap --variant=minbase $SUITE $MIRROR" "$WORK/base"
"${UMOCI[@]}" config --image "$BASE:12" --os linux --architecture amd64 \
  --config.env "$PATH_ENV" --config.cmd bash --author gatehouse-test-images --no-history
"${UMOCI[@]}" gc --layout "$BASE"
rm -rf "$WORK/base"
step_done "debian12 ($(wc -l <"$STAGE/debian12.dpkg-query.tsv") packages)" "$t"

# --- debian12-extra: base layer + apt-get install openssl curl in a chroot
t=$(now_ms)
EXTRA="$STAGE/debian12-extra"
cp -a "$BASE" "$EXTRA"
"${UMOCI[@]}" unpack --image "$EXTRA:12" "$WORK/extra"
R="$WORK/extra/rootfs"
chroot_enter "$R"
if ! { chroot "$R" apt-get -o Dpkg::Use-Pty=0 update -qq &&
       DEBIAN_FRONTEND=noninteractive chroot "$R" apt-get -o Dpkg::Use-Pty=0 install -y -qq \
         --no-install-recommends "${EXTRA_DEBS[@]}" &&
       chroot "$R" apt-get clean; } </dev/null >"$WORK/extra-apt.log" 2>&1; then
  tail -30 "$WORK/extra-apt.log" >&2
  chroot_leave "$R"
  die "apt-get install ${EXTRA_DEBS[*]} in the chroot failed"
fi
chroot_leave "$R"
clean_rootfs "$R"
dpkg_query "$R" >"$STAGE/debian12-extra.dpkg-query.tsv"
LC_ALL=C comm -13 <(cut -f1 "$STAGE/debian12.dpkg-query.tsv" | LC_ALL=C sort) \
                 <(cut -f1 "$STAGE/debian12-extra.dpkg-query.tsv" | LC_ALL=C sort) \
  >"$STAGE/debian12-extra.layer2-packages.txt"
"${UMOCI[@]}" repack --image "$EXTRA:12-extra" \
  --history.created_by "apt-get install -y --no-install-recommends ${EXTRA_DEBS[*]}" "$WORK/extra"
"${UMOCI[@]}" rm --image "$EXTRA:12"
"${UMOCI[@]}" gc --layout "$EXTRA"
rm -rf "$WORK/extra"
step_done "debian12-extra (+$(wc -l <"$STAGE/debian12-extra.layer2-packages.txt") packages)" "$t"

# --- apps: base layer + one layer holding /opt/npmapp and /opt/dotnetapp
t=$(now_ms)
wait "$NPM_JOB" || { tail -30 "$WORK/npm.log" >&2; die "npm install failed"; }
wait "$DOTNET_JOB" || { tail -40 "$WORK/dotnet.log" >&2; die "dotnet publish failed"; }
BG_JOBS=()
rm -rf "$DOTNET_TMP"
DOTNET_TMP=""
TIMINGS+=("$(cat "$WORK/npm.timing") (background)" "$(cat "$WORK/dotnet.timing") (background)")
log "$(cat "$WORK/npm.timing") (in the background)"
log "$(cat "$WORK/dotnet.timing") (in the background)"
step_done "apps: waiting for npm/dotnet" "$t"

t=$(now_ms)
APPS="$STAGE/apps"
cp -a "$BASE" "$APPS"
assert_in_work "$APPS_ROOT/opt"
chmod 755 "$APPS_ROOT/opt"
# A plain tar of the staged tree, added verbatim (umoci gzips it). Not `umoci insert`: umoci 0.4.7's
# insert writes a tar stream without the final padding and end-of-archive blocks.
tar -C "$APPS_ROOT" --sort=name --numeric-owner --owner=0 --group=0 -cf "$WORK/apps-layer.tar" opt
"${UMOCI[@]}" raw add-layer --image "$APPS:12" --tag apps \
  --history.created_by "npm install ${NPM_PACKAGES[*]} (/opt/npmapp); dotnet publish (/opt/dotnetapp)" \
  "$WORK/apps-layer.tar"
"${UMOCI[@]}" rm --image "$APPS:12"
"${UMOCI[@]}" gc --layout "$APPS"
step_done "apps: layer" "$t"

# ------------------------------------------------------------------ digests, checks, publish

: >"$STAGE/digests.txt"
printf 'layout\ttag\tindex\tdigest\tsize\tmediaType\n' >"$STAGE/layers.tsv"
for it in debian12:12 debian12-extra:12-extra apps:apps; do
  name=${it%%:*} tag=${it#*:}
  d="$(manifest_digest "$STAGE/$name" "$tag")"
  echo "$name:$tag $d" >>"$STAGE/digests.txt"
  layers_of "$STAGE/$name" "$d" | sed "s/^/$name\t$tag\t/" >>"$STAGE/layers.tsv"
done
# Sanity: gzip layers, and the extra/apps images share the base layer byte for byte.
base_layer="$(awk -F'\t' '$1 == "debian12" && $3 == 0 { print $4 }' "$STAGE/layers.tsv")"
for name in debian12-extra apps; do
  [[ "$(awk -F'\t' -v n=$name '$1 == n && $3 == 0 { print $4 }' "$STAGE/layers.tsv")" == "$base_layer" ]] \
    || die "$name does not share the debian12 base layer"
  [[ "$(awk -F'\t' -v n=$name '$1 == n' "$STAGE/layers.tsv" | wc -l)" == 2 ]] || die "$name should have 2 layers"
done
awk -F'\t' 'NR > 1 && $6 !~ /gzip/ { bad = 1 } END { exit bad }' "$STAGE/layers.tsv" || die "a layer is not gzip"
# Every layer must be a complete tar (GNU tar fails on a truncated stream).
while IFS=$'\t' read -r name _ _ digest _; do
  gzip -dc "$STAGE/$name/blobs/sha256/${digest#sha256:}" | tar -t >/dev/null \
    || die "layer $digest of $name is not a complete tar.gz"
done < <(tail -n +2 "$STAGE/layers.tsv" | LC_ALL=C sort -t$'\t' -k4,4 -u)
for it in debian12:12 debian12-extra:12-extra apps:apps; do
  skopeo inspect "oci:$STAGE/${it%%:*}:${it#*:}" >/dev/null || die "skopeo cannot read $it"
done

{
  echo "version: v$IMAGES_VERSION"
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "mirror: $MIRROR"
  echo "security-mirror: $SECURITY_MIRROR"
  echo "npm: ${NPM_PACKAGES[*]}"
  echo "nuget: ${NUGET_PACKAGES[*]}"
  echo "dotnet-sdk: $(dotnet --version)"
  echo "timings:"
  printf '  %s\n' "${TIMINGS[@]}"
  echo "  total $(secs_since "$T_ALL")"
} >"$STAGE/build-info.txt"

# Atomic publish: $OUT_DIR appears complete or not at all.
if [[ -e "$OUT_DIR" ]]; then
  mv -T "$OUT_DIR" "$WORK/previous"
fi
mv -T "$STAGE" "$OUT_DIR"
# Drop caches of older recipe versions.
for old in "$CACHE_ROOT"/v*; do
  [[ -d "$old" && "$old" != "$OUT_DIR" ]] || continue
  log "removing old cache $old"
  rm -rf "$old"
done

log "built in $(secs_since "$T_ALL"): $OUT_DIR"
sed 's/^/  /' "$OUT_DIR/digests.txt" >&2
