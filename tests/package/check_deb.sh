#!/usr/bin/env bash
# check_deb.sh BUILD_DIR WORK_DIR: packs BUILD_DIR's install tree as a .deb (cpack -G DEB) and
# checks it: Depends (libgl1 and the Qt 6 libraries), the file list, the desktop file, the
# AppStream metainfo; then extracts it into an empty root and runs the programs from there, which
# must read the demo models and graphs from <root>/usr/share/gtscope, not the source tree.
set -euo pipefail
build=$(realpath "$1")
work=$2
fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
cpack -G DEB -B "$work" --config "$build/CPackConfig.cmake" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; fail "cpack"; }
debs=("$work"/gtscope_*.deb)
[[ -f ${debs[0]} ]] || fail "no .deb in $work"
deb=${debs[0]}
echo "package: $deb ($(du -h "$deb" | cut -f1))"

info=$(dpkg-deb --info "$deb")
depends=$(grep '^ Depends:' <<<"$info") || fail "no Depends field"
echo "$depends"
for dep in libgl1 libegl1 libqt6core6 libqt6gui6 libqt6widgets6 libqt6openglwidgets6 libc6; do
  grep -Eq "(: |, )$dep([ ,(]|$)" <<<"$depends" || fail "Depends lacks $dep"
done

contents=$(dpkg-deb --contents "$deb" | awk '{print $NF}')
need=(
  ./usr/bin/gtscope ./usr/bin/gtscope-cli
  ./usr/share/gtscope/models/molecule-tpsa/config.json
  ./usr/share/gtscope/models/molecule-tpsa/MODEL_CARD.md
  ./usr/share/gtscope/models/connectivity/model.safetensors
  ./usr/share/gtscope/graphs/index.json
  ./usr/share/gtscope/graphs/caffeine.smi
  ./usr/share/applications/io.github.gtscope.GTScope.desktop
  ./usr/share/metainfo/io.github.gtscope.GTScope.metainfo.xml
  ./usr/share/mime/packages/gtscope.xml
  ./usr/share/man/man1/gtscope-cli.1.gz
  ./usr/share/icons/hicolor/scalable/apps/io.github.gtscope.GTScope.svg
  ./usr/share/icons/hicolor/48x48/apps/io.github.gtscope.GTScope.png
  ./usr/share/icons/hicolor/256x256/apps/io.github.gtscope.GTScope.png
)
for f in "${need[@]}"; do
  grep -qxF "$f" <<<"$contents" || fail "package lacks $f"
done
grep -q '__pycache__' <<<"$contents" && fail "package contains __pycache__"

root="$work/root"
dpkg-deb -x "$deb" "$root"
desktop-file-validate "$root/usr/share/applications/io.github.gtscope.GTScope.desktop" ||
  fail "desktop-file-validate"
appstreamcli validate --no-net "$root/usr/share/metainfo/io.github.gtscope.GTScope.metainfo.xml" ||
  fail "appstreamcli validate"
xmllint_ok=1
if command -v xmllint >/dev/null; then
  xmllint --noout "$root/usr/share/mime/packages/gtscope.xml" || xmllint_ok=0
fi
[[ $xmllint_ok == 1 ]] || fail "MIME XML does not parse"
grep -q 'pattern="\*.gtscope"' "$root/usr/share/mime/packages/gtscope.xml" || fail "MIME glob"
# The man page renders without groff warnings and names every registered subcommand.
man_text=$(zcat "$root/usr/share/man/man1/gtscope-cli.1.gz" | groff -man -Tutf8 -ww -z 2>&1) || true
[[ -z $man_text ]] || fail "groff warnings in the man page: $man_text"
commands=$("$root/usr/bin/gtscope-cli" --help 2>&1 | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} /^$/{if(on) exit}')
[[ -n $commands ]] || fail "no commands in gtscope-cli --help"
for c in $commands; do
  zcat "$root/usr/share/man/man1/gtscope-cli.1.gz" | grep -q "^\.BI \"$c " || fail "man page lacks command $c"
done

model="$root/usr/share/gtscope/models/molecule-tpsa"
out=$("$root/usr/bin/gtscope-cli" info "$model") || fail "gtscope-cli info $model"
grep -qi 'layers' <<<"$out" || fail "gtscope-cli info printed no architecture: $out"
out=$("$root/usr/bin/gtscope-cli" info "$root/usr/share/gtscope/graphs/caffeine.smi") ||
  fail "gtscope-cli info caffeine.smi"
grep -qi 'nodes' <<<"$out" || fail "gtscope-cli info printed no graph counts: $out"
out=$("$root/usr/bin/gtscope-cli" run "$model" "$root/usr/share/gtscope/graphs/caffeine.smi") ||
  fail "gtscope-cli run from the package"

# The app resolves its resources to the extracted prefix (the offscreen platform needs no display).
resdir=$(HOME="$work/home" QT_QPA_PLATFORM=offscreen "$root/usr/bin/gtscope" --print-resource-dir) ||
  fail "gtscope --print-resource-dir"
expected=$(realpath "$root/usr/share/gtscope")
[[ $resdir == "$expected" ]] || fail "gtscope reads resources from '$resdir', expected '$expected'"
echo "resources: $resdir"
echo "package OK"
