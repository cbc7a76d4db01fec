#!/usr/bin/env bash
# Benchmarks `profdiff trend` on a series of 20 generated profiles of 20 000 samples each
# against one `profdiff top` of the same 20 files merged (the issue's target: trend within 3×),
# and the page: the 20 files set on #file-series until the Trend view is on screen.
# Called by bench/run.sh after its own tables; runs alone too (after `make build wasm`).
#
# Environment: BENCH_REGEN=1 regenerates bench/out/series/ even if present.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/bench/out"
SERIES="$OUT/series"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
PROFDIFF="$TARGET/release/profdiff"
GENPROF="$TARGET/release/genprof"
log() { printf '==> %s\n' "$*" >&2; }

[[ -x $PROFDIFF ]] || (cd "$ROOT" && cargo build --release --bin profdiff)
[[ -x $GENPROF ]] || (cd "$ROOT" && cargo build --release -p genprof)

# One process over time: the same program (seed), a few variants of its stacks, and every
# value scaled up by 5% per snapshot.
if [[ ! -s $SERIES/s-19.pb.gz || ${BENCH_REGEN:-0} == 1 ]]; then
    log "generating 20 snapshots of 20 000 samples in $SERIES"
    mkdir -p "$SERIES"
    for i in $(seq 0 19); do
        "$GENPROF" --out "$SERIES/s-$(printf %02d "$i").pb.gz" --seed 7 --samples 20000 \
            --functions 3000 --variant $((i % 3)) --scale "$(awk -v i="$i" 'BEGIN { print 1 + 0.05 * i }')" 2>/dev/null
    done
fi
files=("$SERIES"/s-*.pb.gz)

mean() { # COMMAND: mean seconds (hyperfine, or a 5-run date loop)
    if command -v hyperfine >/dev/null 2>&1; then
        hyperfine --style basic --warmup 1 --min-runs 5 --export-json "$OUT/trend-h.json" "$1" >&2
        sed -n 's/^ *"mean": *\([0-9.eE+-]*\),*$/\1/p' "$OUT/trend-h.json" | head -1
    else
        local t0 t1 total=0 i
        bash -c "$1"
        for ((i = 0; i < 5; i++)); do
            t0=$(date +%s%N)
            bash -c "$1"
            t1=$(date +%s%N)
            total=$((total + t1 - t0))
        done
        awk -v t="$total" 'BEGIN { printf "%.6f\n", t / 5 / 1e9 }'
    fi
}

log "profdiff trend (20 files) vs profdiff top (20 files merged)"
trend_s=$(mean "'$PROFDIFF' trend ${files[*]} > /dev/null")
top_s=$(mean "'$PROFDIFF' top ${files[*]} > /dev/null")
line=$(awk -v t="$trend_s" -v m="$top_s" 'BEGIN {
    r = t / m
    printf "`profdiff trend` of 20 × 20 000 samples: %.0f ms; one `profdiff top` of the 20 merged: %.0f ms; ratio %.2f× (%s the 3× target).", t * 1000, m * 1000, r, (r <= 3 ? "within" : "OVER")
}')
echo "$line"
{
    echo
    echo "## Trend"
    echo
    echo "$line"
} >>"$OUT/results.md"

if [[ -x /usr/bin/chromium && -d "$ROOT/tests/e2e/node_modules/playwright-core" && -f "$ROOT/www/pkg/profdiff.js" ]]; then
    node "$ROOT/bench/page-trend.mjs" "${files[@]}" || log "page trend benchmark failed"
else
    log "page trend benchmark skipped: needs /usr/bin/chromium, tests/e2e/node_modules and www/pkg"
fi
