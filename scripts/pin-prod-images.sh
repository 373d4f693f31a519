#!/usr/bin/env bash
# Pins the prod overlay to the images Gatehouse built for itself: rewrites `newName` and `digest` of the five
# gatehouse/<service> entries in the `images:` list of deploy/k8s/overlays/prod/kustomization.yaml from the digests
# file of scripts/build-platform-images.sh. Nothing else in the file changes (comments, order, the third-party
# images); running it again with the same digests changes nothing.
#
#   scripts/pin-prod-images.sh [--images FILE] [--kustomization FILE] [--check]
#     --images          digests file (default <repo>/.state/platform-images.tsv)
#     --kustomization   file to rewrite (default <repo>/deploy/k8s/overlays/prod/kustomization.yaml)
#     --check           change nothing; exit 1 if the file is not pinned to those digests
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
IMAGES="$REPO_ROOT/.state/platform-images.tsv"
KUSTOMIZATION="$REPO_ROOT/deploy/k8s/overlays/prod/kustomization.yaml"
CHECK=0
while (($#)); do
  case "$1" in
    --images) IMAGES="${2:?--images needs a file}"; shift 2 ;;
    --kustomization) KUSTOMIZATION="${2:?--kustomization needs a file}"; shift 2 ;;
    --check) CHECK=1; shift ;;
    *) echo "usage: $0 [--images FILE] [--kustomization FILE] [--check]" >&2; exit 2 ;;
  esac
done

die() { echo "[pin-prod-images] ERROR: $*" >&2; exit 1; }
[[ -f "$IMAGES" ]] || die "no digests file $IMAGES (run scripts/build-platform-images.sh)"
[[ -f "$KUSTOMIZATION" ]] || die "no kustomization $KUSTOMIZATION"

SERVICES=(registry-watcher scanner signer policy admission)
declare -A IMAGE DIGEST
while IFS=$'\t' read -r service image digest _; do
  [[ -z "$service" || "$service" == \#* ]] && continue
  [[ " ${SERVICES[*]} " == *" $service "* ]] || die "$IMAGES: unknown service '$service'"
  [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || die "$IMAGES: bad digest for $service: '$digest'"
  [[ "$image" =~ ^[a-z0-9.:-]+(/[a-z0-9._-]+)+$ && "$image" == */gatehouse/"$service" ]] \
    || die "$IMAGES: bad image for $service: '$image'"
  IMAGE[$service]=$image
  DIGEST[$service]=$digest
done <"$IMAGES"
spec=""
for service in "${SERVICES[@]}"; do
  [[ -n "${DIGEST[$service]:-}" ]] || die "$IMAGES has no digest for $service"
  spec+="gatehouse/$service ${IMAGE[$service]} ${DIGEST[$service]}"$'\n'
done

# Entries of the top-level `images:` list look like
#   - name: gatehouse/scanner
#     newName: 127.0.0.1:5000/gatehouse/scanner
#     digest: sha256:...
# (keys in any order; `newName`/`digest` added when missing). Only entries named in the spec are touched.
new="$(awk -v spec="$spec" '
  BEGIN {
    n = split(spec, lines, "\n")
    for (i = 1; i <= n; i++) if (lines[i] != "") { split(lines[i], f, " "); img[f[1]] = f[2]; dig[f[1]] = f[3] }
  }
  function flush() {
    if (cur != "" && (cur in img)) {
      if (!sawName) print ind "newName: " img[cur]
      if (!sawDigest) print ind "digest: " dig[cur]
      done[cur] = 1
    }
    cur = ""
  }
  /^[^ \t#]/ { flush(); inImages = ($0 ~ /^images:[ \t]*$/); print; next }
  inImages && /^[ \t]*- name:/ {
    flush()
    cur = $0; sub(/^[ \t]*- name:[ \t]*/, "", cur); sub(/[ \t]+#.*$/, "", cur); gsub(/["\x27]/, "", cur)
    ind = $0; sub(/-.*$/, "", ind); ind = ind "  "
    sawName = 0; sawDigest = 0
    print; next
  }
  inImages && cur != "" && (cur in img) && /^[ \t]+newName:/ { sub(/newName:.*/, "newName: " img[cur]); sawName = 1; print; next }
  inImages && cur != "" && (cur in img) && /^[ \t]+digest:/  { sub(/digest:.*/, "digest: " dig[cur]); sawDigest = 1; print; next }
  inImages && cur != "" && (cur in img) && /^[ \t]+newTag:/  { next }   # a digest pins; a tag beside it would mislead
  { print }
  END {
    flush()
    for (k in img) if (!(k in done)) { print "missing " k > "/dev/stderr"; bad = 1 }
    exit bad
  }' "$KUSTOMIZATION")" || die "$KUSTOMIZATION: the images list lacks an entry for every gatehouse service"

if [[ "$new" == "$(cat "$KUSTOMIZATION")" ]]; then
  echo "[pin-prod-images] $KUSTOMIZATION already pinned to $IMAGES" >&2
  exit 0
fi
if ((CHECK)); then
  diff <(cat "$KUSTOMIZATION") <(printf '%s\n' "$new") >&2 || true
  die "$KUSTOMIZATION is not pinned to the digests in $IMAGES"
fi
tmp="$(mktemp "$KUSTOMIZATION.XXXXXX")"
printf '%s\n' "$new" >"$tmp"
chmod --reference="$KUSTOMIZATION" "$tmp"
mv -f "$tmp" "$KUSTOMIZATION"
echo "[pin-prod-images] pinned ${#SERVICES[@]} gatehouse images in $KUSTOMIZATION:" >&2
for service in "${SERVICES[@]}"; do echo "  ${IMAGE[$service]}@${DIGEST[$service]}" >&2; done
