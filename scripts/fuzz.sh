#!/usr/bin/env bash
# Runs every cargo-fuzz target for a set time each and prints the executions reached.
#   scripts/fuzz.sh SECONDS    (make fuzz: 300 per target; make test: a short smoke)
# cargo-fuzz needs nightly compiler flags; RUSTC_BOOTSTRAP=1 enables them on the machine's
# stable toolchain (no other toolchain can be fetched here).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
export RUSTC_BOOTSTRAP=1
targets=(decode decode_top decode_diff structured go_text goroutine_dump decode_legacy read_ahead)

# Seed corpora from the project's own profiles. decode_top reads an option byte first and
# decode_diff a split byte, so their seeds get one prepended.
seed() {
  local dir="fuzz/corpus/$1" prefix="$2"
  mkdir -p "$dir"
  local f
  for f in tests/fixtures/profiles/* tests/fixtures/edge/* tests/fixtures/hostile/*; do
    [[ -f "$f" ]] || continue
    local name
    name="$(basename "$f")"
    if [[ -z "$prefix" ]]; then
      cp -f "$f" "$dir/seed-$name"
    else
      { printf "$prefix"; cat "$f"; } >"$dir/seed-$name"
    fi
  done
}
seed decode ""
seed decode_top '\x00'
seed decode_diff '\x80'
mkdir -p fuzz/corpus/structured
# decode_legacy reads a header selector first (see its HEADERS): 0 is none, so the project's
# files go in as they are, plus one small body per header.
seed decode_legacy '\x00'
legacy_seed() {
  printf "$2" >"fuzz/corpus/decode_legacy/seed-legacy-$1"
}
legacy_seed heap '\x01 1: 320 [2: 640] @ 0x4c3a15 0x4c3f50\n#\t0x4c3a14\tmain.f+0x34\t/m.go:22\n'
legacy_seed heap-map '\x02 1: 9216 [1: 9216] @ 0xc635c8 0x42ecc3\n--- Memory map: ---\nsrc=/x\n00400000-00fcb000: $src/app\n'
legacy_seed count '\x05 5 @ 0x43a2f6 0x4061bb\n2 @ 0x43a2f6\n'
legacy_seed threadz '\x06--- Thread 1 (name: main/1) stack: ---\n PC: 0x10: f\n 0x21: main\n--- Thread 2 (name: t/2) stack: ---\n [same as previous thread]\n--- Memory map: ---\n'
legacy_seed contentionz '\x08 19490304 27 @ 0xbccc97 0xc61202\n--- Memory map: ---\n00400000-00fcb000 r-xp 0 08:01 1 /bin/app\n'
legacy_seed java-heap '\x0b 4752 9 @ 0x2b 0x2c\n 0x2b com.example.f (F.java:12)\n 0x2c GC\n'
legacy_seed cpu '\x0d\x01\x00\x00\x00\x02\x00\x00\x00\x10\x10\x40\x00\x20\x20\x40\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00'

# Go's texts: go_text reads a header-selector byte and puts its own header in front, so its
# seeds are the fixtures' bodies; goroutine_dump puts `goroutine 1 [running]:` in front.
mkdir -p fuzz/corpus/go_text fuzz/corpus/goroutine_dump
i=0
for p in heap goroutine mutex block; do
  for f in tests/fixtures/gotext/*/"$p.txt"; do
    [[ -f "$f" ]] || continue
    { printf "\\x0$i"; tail -n +2 "$f"; } >"fuzz/corpus/go_text/seed-$p-$(basename "$(dirname "$f")")"
  done
  i=$((i + 1))
done
for f in tests/fixtures/gotext/*/goroutine-dump.txt tests/fixtures/gotext/crash/*.txt; do
  [[ -f "$f" ]] || continue
  cp -f "$f" "fuzz/corpus/goroutine_dump/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
done

# read_ahead compresses its input itself: its seeds are the profiles inflated.
mkdir -p fuzz/corpus/read_ahead
for f in tests/fixtures/profiles/*.pb.gz tests/fixtures/hostile/*.pb.gz; do
  [[ -f "$f" ]] || continue
  gzip -dc "$f" >"fuzz/corpus/read_ahead/seed-$(basename "$f" .gz)" 2>/dev/null || true
done

(cd fuzz && cargo fuzz build -O >/dev/null 2>&1) || (cd fuzz && cargo fuzz build -O)
total=0
for t in "${targets[@]}"; do
  log="$(mktemp)"
  (cd fuzz && cargo fuzz run -O "$t" "corpus/$t" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1) >"$log" 2>&1 || {
    echo "fuzz: $t found a failure:" >&2
    tail -40 "$log" >&2
    exit 1
  }
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)"
  echo "fuzz: $t: ${runs:-?} executions in ${seconds}s, no crash, hang or out-of-memory"
  total=$((total + ${runs:-0}))
  rm -f "$log"
done
echo "fuzz: $total executions over ${#targets[@]} targets"
