#!/usr/bin/env bash
# Runs every fuzz target for a while, seeded with the committed fixtures of its format.
#   tests/fuzz/run-all.sh BUILD_DIR SECONDS
# Corpora grow under fuzz-corpus/<target>/ (ignored by git); crashes land in fuzz-corpus/crashes/.
set -euo pipefail
build=${1:-build/fuzz}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
fixtures=$root/tests/fixtures
declare -A seeds=(
  [edgelist]="edges edgelist csv tsv txt" [gml]="gml" [graphml]="graphml xml" [gexf]="gexf"
  [nodelinkjson]="json" [smiles]="smi" [sdf]="sdf" [mol]="mol" [ogbfolder]="csv"
  [safetensors]="safetensors" [torch]="pt" [modelconfig]="json"
)
mkdir -p "$root/fuzz-corpus/crashes"
export LSAN_OPTIONS="suppressions=$root/tests/lsan-rdkit.supp:print_suppressions=0"
status=0
for target in "${!seeds[@]}"; do
  bin=$build/tests/fuzz/fuzz_$target
  [[ -x $bin ]] || { echo "missing $bin" >&2; status=1; continue; }
  corpus=$root/fuzz-corpus/$target
  mkdir -p "$corpus"
  for ext in ${seeds[$target]}; do
    find "$fixtures" -type f -name "*.$ext" -size -64k -exec cp -n {} "$corpus/" \; 2>/dev/null || true
  done
  echo "== fuzz_$target for ${seconds}s"
  if ! "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
       -artifact_prefix="$root/fuzz-corpus/crashes/$target-" "$corpus" 2>"$corpus.log"; then
    echo "fuzz_$target found a problem: see $corpus.log and fuzz-corpus/crashes/" >&2
    tail -30 "$corpus.log" >&2
    status=1
  else
    grep -E "^#[0-9]+.*DONE|Done [0-9]+ runs" "$corpus.log" | tail -1 || true
  fi
done
exit $status
