#!/usr/bin/env bash
# gtscope-cli end to end: output, exit codes, error format, and conversions through the binary.
#   tests/cli/test_cli.sh PATH/TO/gtscope-cli FIXTURES_DIR
set -u
cli=$1
fixtures=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

check() {  # check NAME CONDITION-COMMAND...
    local name=$1; shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}
expect_rc() {  # expect_rc WANT CMD...: runs CMD, keeps its stderr in $work/err
    local want=$1; shift
    "$@" >"$work/out" 2>"$work/err"
    local rc=$?
    [[ $rc == "$want" ]] || { echo "  exit $rc, wanted $want: $*"; cat "$work/err"; return 1; }
}
json_field() {  # json_field FILE EXPR: a field of a JSON file, read with the CLI's own output
    /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

# info, text and JSON
check "info karate" expect_rc 0 "$cli" info "$fixtures/networkx/karate.gml"
check "info text names counts" grep -q "nodes       34" "$work/out"
check "info --json" expect_rc 0 "$cli" info "$fixtures/networkx/karate.gml" --json
cp "$work/out" "$work/karate.json"
check "json nodes" test "$(json_field "$work/karate.json" "d['nodes'], d['edges'], d['components'], d['directed']")" = "34 78 1 False"
check "json schema" test "$(json_field "$work/karate.json" "[a['name'] for a in d['attributes']['node']]")" = "['club']"

# multi-record files and FILE#N
check "sdf records" expect_rc 0 "$cli" info "$fixtures/molecules/five.sdf" --json
check "sdf record count" test "$(json_field "$work/out" "d['records']")" = "5"
check "sdf #2" expect_rc 0 "$cli" info "$fixtures/molecules/five.sdf#2" --json
check "sdf #2 is one graph" test "$(json_field "$work/out" "'records' not in d and d['nodes'] > 0")" = "True"
check "sdf #9 out of range" expect_rc 2 "$cli" info "$fixtures/molecules/five.sdf#9"
check "out-of-range message" grep -q "record 9 requested" "$work/err"

# bad input: exit 2, "error: <what> (<where>)"
printf 'graph [\n  node [ id 0 ]\n  edge [ source 0 target 7 ]\n]\n' >"$work/bad.gml"
check "dangling gml" expect_rc 2 "$cli" info "$work/bad.gml"
check "error format" grep -qE "^error: .+ \(.*bad\.gml:3\)$" "$work/err"
check "missing file" expect_rc 2 "$cli" info "$work/none.graphml"
check "missing file named" grep -q "none.graphml" "$work/err"
check "unknown extension" expect_rc 2 "$cli" info "$fixtures/molecules/make_expected.py"
check "unknown command" expect_rc 2 "$cli" frobnicate
check "unknown option" expect_rc 2 "$cli" info "$fixtures/networkx/karate.gml" --jsn
check "no arguments" expect_rc 2 "$cli"
check "help" expect_rc 0 "$cli" --help

# convert: a chain through every network format keeps nodes, edges and the club attribute
prev="$fixtures/networkx/karate.gml"
for ext in graphml gexf json gml edges; do
    check "convert to $ext" expect_rc 0 "$cli" convert "$prev" "$work/k.$ext"
    check "$ext counts" expect_rc 0 "$cli" info "$work/k.$ext" --json
    check "$ext 34/78" test "$(json_field "$work/out" "d['nodes'], d['edges']")" = "34 78"
    if [[ $ext != edges ]]; then
        check "$ext keeps club" test "$(json_field "$work/out" "[a['name'] for a in d['attributes']['node']]")" = "['club']"
        prev="$work/k.$ext"
    fi
done
check "convert --to" expect_rc 0 "$cli" convert "$fixtures/networkx/karate.gml" "$work/k.out" --to graphml
check "--to wrote graphml" grep -q "<graphml" "$work/k.out"
check "convert several into one-graph format" expect_rc 2 "$cli" convert "$fixtures/molecules/five.sdf" "$work/m.gml"
check "convert record" expect_rc 0 "$cli" convert "$fixtures/molecules/five.sdf#1" "$work/m.gml"
check "convert sdf -> smi" expect_rc 0 "$cli" convert "$fixtures/molecules/five.sdf" "$work/m.smi"
check "five smiles" test "$(grep -c . "$work/m.smi")" = "5"

# a failed conversion leaves no file behind and never clobbers an existing one
echo "keep me" >"$work/keep.gml"
check "bad input no write" expect_rc 2 "$cli" convert "$work/bad.gml" "$work/keep.gml"
check "target untouched" grep -q "keep me" "$work/keep.gml"
check "no temp files" test -z "$(ls -A "$work" | grep '\.tmp')"

# tokenize / detokenize / vocab
vocab=$fixtures/../../../shared/graphgpt/pcqm4m-v2.vocab
printf 'CCO\tethanol\n' >"$work/ethanol.smi"
check "tokenize json" expect_rc 0 "$cli" tokenize "$work/ethanol.smi" --seed 7 --json
cp "$work/out" "$work/ethanol.tokens.json"
check "13 tokens per position" test "$(json_field "$work/ethanol.tokens.json" "sorted(set(len(p) for p in d['tokens']))")" = "[13]"
check "walk covers the molecule" test "$(json_field "$work/ethanol.tokens.json" "sorted(set(d['path'])), d['components']")" = "[0, 1, 2] 1"
check "provenance per position" test "$(json_field "$work/ethanol.tokens.json" "len(d['provenance']) == len(d['tokens'])")" = "True"
check "same seed, same tokens" expect_rc 0 "$cli" tokenize "$work/ethanol.smi" --seed 7 --json
check "deterministic" cmp -s "$work/out" "$work/ethanol.tokens.json"
check "start node" expect_rc 0 "$cli" tokenize "$work/ethanol.smi" --start 2 --json
check "starts there" test "$(json_field "$work/out" "d['path'][0]")" = "2"
check "explicit path" expect_rc 0 "$cli" tokenize "$work/ethanol.smi" --path 0,1,2 --cyclic 0 --json
check "path kept, sequential indices" test "$(json_field "$work/out" "d['path'], [p[0] for p in d['tokens']]")" = "[0, 1, 2] ['0', '1', '2']"
check "path and first index reproduce a cyclic sequence" expect_rc 0 "$cli" tokenize "$work/ethanol.smi" --json --path "$(json_field "$work/ethanol.tokens.json" "','.join(map(str, d['path']))")" --first-index "$(json_field "$work/ethanol.tokens.json" "d['tokens'][0][0]")" --seed 99
check "same tokens from another seed" test "$(json_field "$work/out" "d['tokens']")" = "$(json_field "$work/ethanol.tokens.json" "d['tokens']")"
check "first index beyond scope" expect_rc 2 "$cli" tokenize "$work/ethanol.smi" --first-index 512
check "bad path" expect_rc 2 "$cli" tokenize "$work/ethanol.smi" --path 0,2
check "unknown start" expect_rc 2 "$cli" tokenize "$work/ethanol.smi" --start 9
if [[ -f $vocab ]]; then
    check "ids with GraphGPT's vocab" expect_rc 0 "$cli" tokenize "$work/ethanol.smi" --vocab "$vocab" --node-scope 64 --scope-base 64 --json
    check "ids shaped like tokens" test "$(json_field "$work/out" "[len(p) for p in d['ids']] == [len(p) for p in d['tokens']] and min(min(p) for p in d['ids']) > 0")" = "True"
    check "index beyond the vocab" expect_rc 2 "$cli" tokenize "$work/ethanol.smi" --vocab "$vocab" --path 0,1,2 --cyclic 2 --seed 1 --node-scope 512
    check "unknown token named" grep -q "is not in the vocab" "$work/err"
    check "vocab check" expect_rc 0 "$cli" vocab check "$vocab" "$fixtures/molecules/five.sdf" --node-scope 64 --scope-base 64
fi
check "detokenize" expect_rc 0 "$cli" detokenize "$work/ethanol.tokens.json" -o "$work/ethanol.json"
check "decoded molecule" expect_rc 0 "$cli" info "$work/ethanol.json" --json
check "3 atoms 2 bonds" test "$(json_field "$work/out" "d['nodes'], d['edges']")" = "3 2"
check "karate tokens" expect_rc 0 "$cli" tokenize "$fixtures/networkx/karate.gml" --seed 5 --json
cp "$work/out" "$work/karate.tokens.json"
check "karate detokenize" expect_rc 0 "$cli" detokenize "$work/karate.tokens.json" -o "$work/karate.back.gml"
check "karate back" expect_rc 0 "$cli" info "$work/karate.back.gml" --json
check "karate 34/78" test "$(json_field "$work/out" "d['nodes'], d['edges']")" = "34 78"
check "vocab build" expect_rc 0 "$cli" vocab build "$fixtures/molecules/five.sdf" -o "$work/five.vocab"
check "vocab check own" expect_rc 0 "$cli" vocab check "$work/five.vocab" "$fixtures/molecules/five.sdf"
printf 'C[Se]C\n' >"$work/selenium.smi"
check "vocab lacks selenium" expect_rc 2 "$cli" vocab check "$work/five.vocab" "$work/selenium.smi"
check "names missing tokens" grep -q "molecule#node#0#33" "$work/err"

# ---------------------------------------------------------------------------------------------
# models: info and convert on GraphGPT model folders and checkpoints
# (tests/fixtures/model-folder/make_model_folder.py: 1560 parameters, 29 tensors with one
# rotary inv_freq buffer per layer, 2 layers, GQA 2/1 heads, pre-training head with next_n 2)
tiny=$fixtures/model-folder/tiny-pretrain
check "model info" expect_rc 0 "$cli" info "$tiny"
check "model info text" grep -q "parameters   1560" "$work/out"
check "model info --json" expect_rc 0 "$cli" info "$tiny" --json
cp "$work/out" "$work/tiny.json"
check "model architecture" test "$(json_field "$work/tiny.json" "d['kind'], d['architecture']['layers'], d['architecture']['heads'], d['architecture']['kv_heads'], d['architecture']['attention']")" = "model 2 2 1 bidirectional"
check "model head" test "$(json_field "$work/tiny.json" "d['head']['kind'], d['head']['next_n_token'], d['vocab']['config_size'], d['vocab']['tokens']")" = "pretrain 2 12 11"
check "model weights" test "$(json_field "$work/tiny.json" "d['weights_format'], d['tensors'], d['dtypes']")" = "torch 29 {'F32': 29}"
mkdir -p "$work/tiny"
cp "$tiny"/* "$work/tiny/"
check "convert pt -> safetensors" expect_rc 0 "$cli" convert "$work/tiny/model.pt" "$work/tiny/model.safetensors"
check "info converted" expect_rc 0 "$cli" info "$work/tiny/model.safetensors" --json
check "same parameters" test "$(json_field "$work/out" "d['parameters'], d['weights_format'], d['dtypes']")" = "$(json_field "$work/tiny.json" "d['parameters']") safetensors {'F32': 29}"
check "format metadata" test "$(/usr/bin/python3 -c "import json,struct,sys; b=open(sys.argv[1],'rb').read(); n=struct.unpack('<Q',b[:8])[0]; print(json.loads(b[8:8+n])['__metadata__'])" "$work/tiny/model.safetensors")" = "{'format': 'pt'}"
check "convert --dtype bf16" expect_rc 0 "$cli" convert "$work/tiny/model.pt" "$work/tiny/model.safetensors" --dtype bf16
check "bf16 info" expect_rc 0 "$cli" info "$work/tiny" --json
check "bf16 tensors, same count" test "$(json_field "$work/out" "d['parameters'], d['dtypes']")" = "1560 {'BF16': 29}"
check "convert folder -> folder" expect_rc 0 "$cli" convert "$tiny" "$work/tiny-st"
check "folder has its files" test -f "$work/tiny-st/config.json" -a -f "$work/tiny-st/vocab" -a -f "$work/tiny-st/tokenization.json" -a -f "$work/tiny-st/model.safetensors"
check "folder info" expect_rc 0 "$cli" info "$work/tiny-st" --json
check "folder same parameters" test "$(json_field "$work/out" "d['parameters'], d['weights_file'].endswith('model.safetensors'), d['tokenization']['node_scope']")" = "1560 True 4"
check "bare checkpoint info" expect_rc 0 "$cli" convert "$tiny/model.pt" "$work/bare.safetensors"
check "bare checkpoint counts every tensor" test "$(json_field <("$cli" info "$work/bare.safetensors" --json) "d['kind'], d['tensors'], d['parameters']")" = "checkpoint 29 1564"
# errors: exit 2, "error: ..." naming the file
printf 'not a zip' >"$work/broken.pt"
check "broken checkpoint" expect_rc 2 "$cli" info "$work/broken.pt"
check "broken named" grep -qE "^error: .*broken\.pt" "$work/err"
check "broken convert" expect_rc 2 "$cli" convert "$work/broken.pt" "$work/broken.safetensors"
check "broken convert wrote nothing" test ! -e "$work/broken.safetensors"
mkdir -p "$work/nocfg"
cp "$tiny/model.pt" "$work/nocfg/"
check "folder without config" expect_rc 2 "$cli" info "$work/nocfg"
check "config named" grep -q "nocfg/config.json" "$work/err"
sed 's/"hidden_size": 8/"hidden_size": "abc"/' "$tiny/config.json" >"$work/tiny/config.json"
check "bad config field" expect_rc 2 "$cli" info "$work/tiny"
check "bad field named" grep -qE "^error: field \"hidden_size\": expected a positive integer.*tiny/config\.json\)$" "$work/err"
check "unknown dtype" expect_rc 2 "$cli" convert "$tiny/model.pt" "$work/x.safetensors" --dtype f8
check "dtype on a graph" expect_rc 2 "$cli" convert "$fixtures/networkx/karate.gml" "$work/k2.gml" --dtype f16

# run and bench: tokenize with the model's vocab and settings, run, report
printf '0 1\n1 2\n2 3\n3 0\n' >"$work/square.edges"
check "run on a graph" expect_rc 0 "$cli" run "$tiny" "$work/square.edges" --json
check "run reports" test "$(json_field "$work/out" "d['task'], d['layers'], d['heads'], d['positions'] == len(d['ids']) == len(d['predictions']), len(d['predictions'][0])")" = "pretrain 2 2 True 2"
check "run predictions are distributions" test "$(json_field "$work/out" "all(0 <= s[0]['p'] <= 1 for p in d['predictions'] for s in p)")" = "True"
check "run --out" expect_rc 0 "$cli" run "$tiny" "$work/square.edges" --out "$work/run.safetensors"
check "run wrote attention" test "$(/usr/bin/python3 -c "
import sys; sys.path.insert(0, sys.argv[2]); import safetensors_io as st
t = st.load(sys.argv[1]); t = t[0] if isinstance(t, tuple) else t
print(sorted(k for k in t if k.startswith('attn.')), list(t['attn.1'].shape)[:2])" "$work/run.safetensors" "$fixtures/../reference")" = "['attn.0', 'attn.1'] [2, 6]"
check "run text" expect_rc 0 "$cli" run "$tiny" "$work/square.edges"
check "run text names the task" grep -q "task: pretrain" "$work/out"
check "bad head mask" expect_rc 2 "$cli" run "$tiny" "$work/square.edges" --head-mask 9.0
check "bad head mask named" grep -q "head-mask 9.0" "$work/err"
printf '0 1\n1 2\n2 3\n3 4\n4 0\n' >"$work/pentagon.edges"
check "graph beyond the node scope" expect_rc 2 "$cli" run "$tiny" "$work/pentagon.edges"
# --ids runs the reference fixtures through the CLI: logits within 1e-4 of PyTorch's
ref=$fixtures/model/pretrain_sum_mtp
/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); json.dump({'ids': d['sequences'][1]['ids']}, open(sys.argv[2],'w'))" "$ref/inputs.json" "$work/ids.json"
check "run --ids" expect_rc 0 "$cli" run "$ref" --ids "$work/ids.json" --out "$work/ids.safetensors"
check "run --ids matches the reference" test "$(/usr/bin/python3 -c "
import sys; sys.path.insert(0, sys.argv[3]); import safetensors_io as st
a = st.load(sys.argv[1]); a = a[0] if isinstance(a, tuple) else a
b = st.load(sys.argv[2]); b = b[0] if isinstance(b, tuple) else b
print(float((a['logits'] - b['logits.1']).abs().max()) < 1e-4)" "$work/ids.safetensors" "$ref/expected.safetensors" "$fixtures/../reference")" = "True"
check "run --ids without a vocab needs ids" expect_rc 2 "$cli" run "$ref" "$work/square.edges"
check "no-vocab message" grep -q "no vocab" "$work/err"
cat "$work/square.edges" >"$work/many.edges"
check "bench" expect_rc 0 "$cli" bench "$tiny" --graphs "$work/square.edges" --repeat 3 --json --dump-ids "$work/bench-ids.json"
check "bench reports" test "$(json_field "$work/out" "d['sequences'], d['repeat'], len(d['seconds']), d['positions_per_second'] > 0")" = "1 3 3 True"
check "bench --ids" expect_rc 0 "$cli" bench "$tiny" --ids "$work/bench-ids.json" --repeat 1 --capture attention --json
check "bench needs input" expect_rc 2 "$cli" bench "$tiny"
# tokenize --all: every record, several walks each
check "tokenize --all" expect_rc 0 "$cli" tokenize "$fixtures/molecules/five.sdf" --all --seeds 2
check "tokenize --all counts" test "$(json_field "$work/out" "len(d['sequences']), d['graphs'], len({s['index'] for s in d['sequences']}), d['skipped']")" = "10 5 5 []"

# layout: positions in a unit box, written as "pos" or printed as JSON
check "layout --json" expect_rc 0 "$cli" layout "$fixtures/networkx/karate.gml" --json --seed 3
check "layout reports every node in a unit box" test "$(json_field "$work/out" "d['method'], len(d['x']), len(d['y']), max(map(abs, d['x'] + d['y'])) <= 0.5 + 1e-6")" = "forceatlas2 34 34 True"
cp "$work/out" "$work/layout1.json"
check "layout same seed" expect_rc 0 "$cli" layout "$fixtures/networkx/karate.gml" --json --seed 3
check "layout deterministic" cmp -s "$work/out" "$work/layout1.json"
check "layout circular" expect_rc 0 "$cli" layout "$fixtures/networkx/karate.gml" --method circular --json
check "layout circular on a circle" test "$(json_field "$work/out" "(lambda r: d['method'] == 'circular' and max(r) - min(r) < 1e-5)([((x - sum(d['x'])/34)**2 + (y - sum(d['y'])/34)**2)**0.5 for x, y in zip(d['x'], d['y'])])")" = "True"
check "layout -o graphml" expect_rc 0 "$cli" layout "$fixtures/networkx/karate.gml" --method spectral -o "$work/karate-pos.graphml"
check "graphml carries pos" expect_rc 0 "$cli" info "$work/karate-pos.graphml" --json
check "pos is 2 reals" test "$(json_field "$work/out" "[(a['width'], a['kind']) for a in d['attributes']['node'] if a['name'] == 'pos']")" = "[(2, 'continuous')]"
check "layout -o gexf" expect_rc 0 "$cli" layout "$fixtures/networkx/karate.gml" --iterations 50 -o "$work/karate-pos.gexf"
check "gexf has viz:position" grep -q "viz:position" "$work/karate-pos.gexf"
check "layout molecule auto" expect_rc 0 "$cli" layout "$fixtures/molecules/five.sdf#2" --json
check "molecule picked" test "$(json_field "$work/out" "d['method']")" = "molecule"
check "layout bad method" expect_rc 2 "$cli" layout "$fixtures/networkx/karate.gml" --method spring --json
check "bad method named" grep -q "spring" "$work/err"
check "layout needs an output" expect_rc 2 "$cli" layout "$fixtures/networkx/karate.gml"
check "molecule layout of a plain graph" expect_rc 2 "$cli" layout "$fixtures/networkx/karate.gml" --method molecule --json
check "molecule layout error says why" grep -q "no OGB atom features" "$work/err"

echo "cli: $passed passed, $failed failed"
[[ $failed == 0 ]]
