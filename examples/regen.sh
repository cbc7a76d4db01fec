#!/usr/bin/env bash
# Regenerates the bundled example profiles gateway-a.pb.gz and gateway-b.pb.gz
# by building and running the Go program in gateway/, then prints what
# `go tool pprof` says about them. Works from any directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v go >/dev/null 2>&1; then
    echo "regen.sh: 'go' not found in PATH; install Go (1.19 or newer) to regenerate the example profiles" >&2
    exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "== building gateway ($(go version))"
(cd "$here/gateway" && GOWORK=off go build -trimpath -o "$tmp/gateway" .)

echo "== running instance A (healthy scrapers)"
"$tmp/gateway" -mode=a -out="$here/gateway-a.pb.gz"
echo "== running instance B (stalled scrapers)"
"$tmp/gateway" -mode=b -out="$here/gateway-b.pb.gz"
rm -f "$tmp/gateway"

cd "$here"
ls -l gateway-a.pb.gz gateway-b.pb.gz
echo
echo "== go tool pprof -top -sample_index=inuse_space gateway-a.pb.gz"
go tool pprof -top -sample_index=inuse_space gateway-a.pb.gz 2>&1 | head -15 || true
echo
echo "== go tool pprof -top -sample_index=inuse_space gateway-b.pb.gz"
go tool pprof -top -sample_index=inuse_space gateway-b.pb.gz 2>&1 | head -15 || true
echo
echo "== go tool pprof -top -diff_base=gateway-a.pb.gz gateway-b.pb.gz"
go tool pprof -top -diff_base=gateway-a.pb.gz gateway-b.pb.gz 2>&1 | head -20 || true
