#!/usr/bin/env bash
# Benchmarks `profdiff top` against `go tool pprof -symbolize=none -top`: mean wall time (hyperfine)
# and peak RSS (/usr/bin/time -v), on a large generated profile and the largest real profiles of
# the corpus; also `profdiff diff` on a generated A/B pair when that subcommand exists.
#
# Environment:
#   PROFDIFF_CORPUS   corpus directory (default <repo>/../shared/corpus/real)
#   BENCH_QUICK=1     only the generated profile and 1 corpus file
#   BENCH_REGEN=1     regenerate bench/out/large-*.pb.gz even if present
#   BENCH_CORPUS_FILES="a b c"  use these corpus files (paths or names in the corpus) instead
#                     of picking the largest accepted ones
#   BENCH_NO_INSTALL=1  never apt-get install hyperfine / time
#   BENCH_TIMER=loop  time with the date +%s%N loop even when hyperfine is installed
#
# Output: a table on stdout and in bench/out/results.md. See bench/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/bench/out"
CORPUS="${PROFDIFF_CORPUS:-$ROOT/../shared/corpus/real}"
QUICK="${BENCH_QUICK:-0}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

log() { printf '==> %s\n' "$*" >&2; }

# --- tools -------------------------------------------------------------------------------------

APT_UPDATED=0
apt_install() { # package: installs a Debian package if apt-get exists and we may
    [[ "${BENCH_NO_INSTALL:-0}" == 1 ]] && return 1
    command -v apt-get >/dev/null 2>&1 || return 1
    local sudo=""
    if [[ $(id -u) != 0 ]]; then
        command -v sudo >/dev/null 2>&1 || return 1
        sudo="sudo -n"
    fi
    log "installing $1 with apt-get"
    if [[ $APT_UPDATED == 0 ]]; then
        $sudo apt-get update -qq >/dev/null 2>&1 || true
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$1" >/dev/null 2>&1
}

HAVE_HYPERFINE=1
if [[ ${BENCH_TIMER:-} == loop ]]; then
    HAVE_HYPERFINE=0
elif ! command -v hyperfine >/dev/null 2>&1; then
    apt_install hyperfine || true
    command -v hyperfine >/dev/null 2>&1 || {
        HAVE_HYPERFINE=0
        log "hyperfine not available: timing with a date +%s%N loop instead"
    }
fi
GNU_TIME=/usr/bin/time
if ! "$GNU_TIME" -v true >/dev/null 2>&1; then
    apt_install time || true
    "$GNU_TIME" -v true >/dev/null 2>&1 || {
        GNU_TIME=""
        log "GNU time not available: peak RSS will be n/a"
    }
fi
HAVE_GO=0
if command -v go >/dev/null 2>&1; then
    HAVE_GO=1
else
    log "go not on PATH: pprof columns will be n/a"
fi

# --- build -------------------------------------------------------------------------------------

log "building profdiff (release)"
(cd "$ROOT" && cargo build --release --bin profdiff)
PROFDIFF="$TARGET/release/profdiff"

if (cd "$ROOT" && cargo metadata --no-deps --format-version 1 2>/dev/null) | grep -q '"name":"genprof"'; then
    log "building genprof (release, workspace member)"
    (cd "$ROOT" && cargo build --release -p genprof)
else
    log "building genprof (release, standalone manifest: the root has no workspace with it yet)"
    cargo build --release --manifest-path "$ROOT/tools/genprof/Cargo.toml" --target-dir "$TARGET"
fi
GENPROF="$TARGET/release/genprof"

# --- inputs ------------------------------------------------------------------------------------

LARGE_A="$OUT/large-a.pb.gz"
LARGE_B="$OUT/large-b.pb.gz"
# Generated inputs are made again when genprof's generator changed since they were made.
stale() { [[ ! -s $1 || $1 -ot "$ROOT/tools/genprof/src/synth.rs" || ${BENCH_REGEN:-0} == 1 ]]; }
if stale "$LARGE_A"; then
    log "generating $LARGE_A"
    "$GENPROF" --out "$LARGE_A"
fi
if stale "$LARGE_B"; then
    log "generating $LARGE_B (--variant 1)"
    "$GENPROF" --out "$LARGE_B" --variant 1
fi

# The worst case for call trees: 20-40 frames drawn independently over 20 000 functions (one
# location each), so that the stacks of 200 000 samples share almost no prefixes.
SCATTERED_A="$OUT/scattered-a.pb.gz"
SCATTERED_B="$OUT/scattered-b.pb.gz"
for v in 0 1; do
    f=$SCATTERED_A
    [[ $v == 1 ]] && f=$SCATTERED_B
    if stale "$f"; then
        log "generating $f (--shape scattered --variant $v)"
        "$GENPROF" --out "$f" --kind cpu --shape scattered --functions 20000 --seed 7 --variant "$v"
    fi
done

# Is this a profile.proto file (gzip-compressed or raw), rather than a legacy text/binary one?
# Looks at the first byte of the (inflated) data: it must be the tag of a profile.proto field.
is_protobuf() {
    local first
    if [[ $(head -c 2 "$1" | od -An -tx1 | tr -d ' \n') == 1f8b ]]; then
        first=$({ gzip -dc "$1" 2>/dev/null || true; } | head -c 1 | od -An -tx1 | tr -d ' \n')
    else
        first=$(head -c 1 "$1" | od -An -tx1 | tr -d ' \n')
    fi
    case "$first" in
        0a | 12 | 1a | 22 | 2a | 32 | 38 | 40 | 48 | 50 | 5a | 60 | 6a | 70 | 78) return 0 ;;
        *) return 1 ;;
    esac
}

want_corpus=3
[[ $QUICK == 1 ]] && want_corpus=1
CORPUS_FILES=()
if [[ -n ${BENCH_CORPUS_FILES:-} ]]; then
    for f in $BENCH_CORPUS_FILES; do
        [[ -f $f ]] || f="$CORPUS/$f"
        CORPUS_FILES+=("$f")
    done
elif [[ -d $CORPUS ]]; then
    # Largest first; keep the protobuf files that `profdiff top` accepts.
    while IFS= read -r f; do
        ((${#CORPUS_FILES[@]} >= want_corpus)) && break
        if ! is_protobuf "$f"; then
            log "skipping $(basename "$f"): not a protobuf profile"
            continue
        fi
        if ! "$PROFDIFF" top "$f" >/dev/null 2>&1; then
            log "skipping $(basename "$f"): profdiff top rejects it"
            continue
        fi
        CORPUS_FILES+=("$f")
    done < <(find "$CORPUS" -maxdepth 1 -type f -printf '%s\t%p\n' | sort -rn | cut -f2-)
else
    log "no corpus at $CORPUS: benchmarking the generated profile only"
fi
FILES=("$LARGE_A" "$SCATTERED_A" "${CORPUS_FILES[@]}")

# --- measuring ---------------------------------------------------------------------------------

# mean_seconds NAME RUN_ARGS COMMAND: mean wall time of COMMAND (a shell command line).
mean_seconds() {
    local name=$1 runargs=$2 cmd=$3
    if [[ $HAVE_HYPERFINE == 1 ]]; then
        # shellcheck disable=SC2086
        hyperfine --style basic $runargs --export-json "$TMP/$name.json" "$cmd" >&2
        sed -n 's/^ *"mean": *\([0-9.eE+-]*\),*$/\1/p' "$TMP/$name.json" | head -1
    else
        local runs=5 i t0 t1 total=0
        [[ $runargs == *"--runs 3"* ]] && runs=3
        bash -c "$cmd" # warmup
        for ((i = 0; i < runs; i++)); do
            t0=$(date +%s%N)
            bash -c "$cmd"
            t1=$(date +%s%N)
            total=$((total + t1 - t0))
        done
        awk -v t="$total" -v n="$runs" 'BEGIN { printf "%.6f\n", t / n / 1e9 }'
    fi
}

# cpu_seconds NAME: mean user + system CPU time of the last mean_seconds NAME run (hyperfine
# only), to tell the work done from the cores it was spread over.
cpu_seconds() {
    [[ $HAVE_HYPERFINE == 1 && -f "$TMP/$1.json" ]] || return 0
    local user sys
    user=$(sed -n 's/^ *"user": *\([0-9.eE+-]*\),*$/\1/p' "$TMP/$1.json" | head -1)
    sys=$(sed -n 's/^ *"system": *\([0-9.eE+-]*\),*$/\1/p' "$TMP/$1.json" | head -1)
    awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.6f\n", u + s }'
}

# peak_kb COMMAND ARGS...: peak resident set size in kB of one run (stdout to /dev/null).
peak_kb() {
    if [[ -z $GNU_TIME ]]; then
        echo ""
        return
    fi
    "$GNU_TIME" -v -o "$TMP/time.txt" "$@" >/dev/null 2>"$TMP/time.err" || {
        log "failed: $* ($(tail -1 "$TMP/time.err"))"
        echo ""
        return
    }
    sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): *\([0-9]*\)$/\1/p' "$TMP/time.txt"
}

fmt_time() { # seconds -> "1.23 s" / "45.6 ms"
    [[ -z $1 ]] && { echo "n/a"; return; }
    awk -v s="$1" 'BEGIN { if (s >= 1) printf "%.2f s", s; else printf "%.1f ms", s * 1000 }'
}
fmt_mb() { # kB -> "123.4 MB"
    [[ -z $1 ]] && { echo "n/a"; return; }
    awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'
}
fmt_size() { # bytes -> "14.7 MB" / "660 kB"
    awk -v b="$1" 'BEGIN { if (b >= 1e6) printf "%.1f MB", b / 1e6; else printf "%.0f kB", b / 1e3 }'
}
ratio() { # a b -> "a/b ×"
    [[ -z $1 || -z $2 ]] && { echo "n/a"; return; }
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "n/a" }'
}

rows=()
top_large_mean=""
i=0
for f in "${FILES[@]}"; do
    i=$((i + 1))
    base=$(basename "$f")
    size=$(stat -c %s "$f")
    log "[$i/${#FILES[@]}] $base ($(fmt_size "$size"))"
    # Big files take pprof many seconds per run: few runs for it there.
    if ((size > 5000000)); then
        pd_runs="--warmup 1 --min-runs 5"
        go_runs="--warmup 1 --runs 3"
    else
        pd_runs="--warmup 2 --min-runs 10"
        go_runs="--warmup 1 --min-runs 5"
    fi
    pd_mean=$(mean_seconds "pd$i" "$pd_runs" "'$PROFDIFF' top '$f' > /dev/null")
    pd_rss=$(peak_kb "$PROFDIFF" top "$f")
    [[ $f == "$LARGE_A" ]] && top_large_mean=$pd_mean
    go_mean="" go_rss=""
    if [[ $HAVE_GO == 1 ]]; then
        # The peak-RSS run doubles as the check that pprof reads the file.
        go_ok=1
        if [[ -n $GNU_TIME ]]; then
            go_rss=$(peak_kb go tool pprof -symbolize=none -top "$f")
            [[ -n $go_rss ]] || go_ok=0
        else
            go tool pprof -symbolize=none -top "$f" >/dev/null 2>&1 || go_ok=0
        fi
        if [[ $go_ok == 1 ]]; then
            go_mean=$(mean_seconds "go$i" "$go_runs" "go tool pprof -symbolize=none -top '$f' > /dev/null")
        else
            log "go tool pprof fails on $base"
        fi
    fi
    rows+=("| $base | $(fmt_size "$size") | $(fmt_time "$pd_mean") | $(fmt_time "$go_mean") | $(ratio "$go_mean" "$pd_mean") | $(fmt_mb "$pd_rss") | $(fmt_mb "$go_rss") | $(ratio "$go_rss" "$pd_rss") |")
done

# The comparison and tree commands on both generated pairs, against one `top` of A.
tree_rows=()
for pair in "large:$LARGE_A:$LARGE_B" "scattered:$SCATTERED_A:$SCATTERED_B"; do
    IFS=: read -r shape a b <<<"$pair"
    log "profdiff top / diff / paths on the $shape pair"
    t_top=$(mean_seconds "t-top-$shape" "--warmup 1 --min-runs 5" "'$PROFDIFF' top '$a' > /dev/null")
    t_diff=$(mean_seconds "t-diff-$shape" "--warmup 1 --min-runs 5" "'$PROFDIFF' diff '$a' '$b' > /dev/null")
    t_paths=$(mean_seconds "t-paths-$shape" "--warmup 1 --min-runs 5" "'$PROFDIFF' paths '$a' '$b' > /dev/null")
    c_top=$(cpu_seconds "t-top-$shape")
    c_diff=$(cpu_seconds "t-diff-$shape")
    r_top=$(peak_kb "$PROFDIFF" top "$a")
    r_diff=$(peak_kb "$PROFDIFF" diff "$a" "$b")
    r_paths=$(peak_kb "$PROFDIFF" paths "$a" "$b")
    tree_rows+=("| $shape ($(basename "$a"), $(basename "$b")) | $(fmt_time "$t_top"), $(fmt_mb "$r_top") | $(fmt_time "$t_diff"), $(fmt_mb "$r_diff") | $(ratio "$t_diff" "$t_top") | $(fmt_time "$c_top") / $(fmt_time "$c_diff") ($(ratio "$c_diff" "$c_top")) | $(fmt_time "$t_paths"), $(fmt_mb "$r_paths") |")
done

# --- report ------------------------------------------------------------------------------------

go_version=$([[ $HAVE_GO == 1 ]] && go version | awk '{print $3}' || echo "none")
rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "uncommitted")
{
    echo "# profdiff benchmark"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, profdiff $rev (release), go $go_version," \
        "timer: $([[ $HAVE_HYPERFINE == 1 ]] && hyperfine --version || echo 'date loop')."
    echo "Commands: \`profdiff top FILE > /dev/null\` vs \`go tool pprof -symbolize=none -top FILE > /dev/null\`."
    echo
    echo "| file | size | profdiff time | pprof time | speed-up (pprof/profdiff) | profdiff peak RSS | pprof peak RSS | memory ratio (pprof/profdiff) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "## Comparisons and call trees (wall time, peak RSS)"
    echo
    echo "| pair | \`top A\` | \`diff A B\` | diff ÷ top | CPU time top / diff (÷) | \`paths A B\` |"
    echo "|---|---:|---:|---:|---:|---:|"
    printf '%s\n' "${tree_rows[@]}"
} >"$OUT/results.md"
echo
cat "$OUT/results.md"

# --- the page ----------------------------------------------------------------------------------
# Two large profiles set on the page's inputs until the comparison is on screen, in headless
# Chromium (needs the WASM package, dist not required, and the e2e node modules).
if [[ -x /usr/bin/chromium && -d "$ROOT/tests/e2e/node_modules/playwright-core" && -f "$ROOT/www/pkg/profdiff.js" ]]; then
    log "page: the large pair, the scattered pair and the two largest corpus files, in headless Chromium"
    page_pairs=("$LARGE_A" "$LARGE_B" "$SCATTERED_A" "$SCATTERED_B")
    if ((${#CORPUS_FILES[@]} >= 2)); then
        page_pairs+=("${CORPUS_FILES[0]}" "${CORPUS_FILES[1]}")
    fi
    node "$ROOT/bench/page.mjs" "${page_pairs[@]}" || log "page benchmark failed"
    # The flame graph on the scattered pair (made above).
    log "page: Diff flame graph of scattered-a + scattered-b"
    node "$ROOT/bench/flame.mjs" "$SCATTERED_A" "$SCATTERED_B" || log "flame benchmark failed"
else
    log "page benchmark skipped: needs /usr/bin/chromium, tests/e2e/node_modules and www/pkg (make test sets them up)"
fi

# --- trend: a series of 20 snapshots -----------------------------------------------------------
"$ROOT/bench/trend.sh" || log "trend benchmark failed"
