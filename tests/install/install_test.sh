#!/bin/sh
# Installs BertLens into a temporary prefix, moves the prefix elsewhere and
# runs the moved programs as a user would: bertlens-cli analyze with no
# --model, bertlens --export offscreen, --help and --version with no display.
# Where the machine allows it (unshare as root), the source and build trees
# are hidden under an empty tmpfs while the moved copy runs, so it cannot
# read them; everywhere, the model path it reports must lie in the moved prefix.
#   install_test.sh BUILD_DIR SOURCE_DIR VERSION
# With BERTLENS_DEB=FILE.deb the same checks run on the package's extracted copy.
set -eu
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
version=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/bertlens-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

if [ -n "${BERTLENS_DEB:-}" ]; then
  # tools/package.sh: the .deb's /usr, extracted (never installed) and moved.
  dpkg-deb -x "$BERTLENS_DEB" "$work/first" || fail "dpkg-deb -x $BERTLENS_DEB"
  mv "$work/first" "$work/moved"
  p=$work/moved/usr
else
  cmake --install "$build" --prefix "$work/first" >"$work/install.log" || { cat "$work/install.log"; fail "cmake --install"; }
  mv "$work/first" "$work/moved"
  p=$work/moved
fi
for f in bin/bertlens bin/bertlens-cli share/bertlens/examples.json \
         share/bertlens/models/bertlens-mini/model.safetensors share/bertlens/models/bertlens-mini/README.md \
         share/bertlens/models/bertlens-mini-l2r/README.md share/bertlens/models/bertlens-mini-r2l/README.md \
         share/applications/io.github.bertlens.BertLens.desktop share/metainfo/io.github.bertlens.BertLens.metainfo.xml \
         share/icons/hicolor/scalable/apps/io.github.bertlens.BertLens.svg \
         share/icons/hicolor/48x48/apps/io.github.bertlens.BertLens.png \
         share/icons/hicolor/128x128/apps/io.github.bertlens.BertLens.png \
         share/icons/hicolor/256x256/apps/io.github.bertlens.BertLens.png \
         share/man/man1/bertlens.1 share/man/man1/bertlens-cli.1; do
  [ -s "$p/$f" ] || fail "$f was not installed"
done
# Each PNG is the size its folder says (bytes 16-23 of a PNG: width, height).
for s in 48 128 256; do
  size=$(od -An -tu1 -j16 -N8 "$p/share/icons/hicolor/${s}x$s/apps/io.github.bertlens.BertLens.png" | tr -s ' ')
  expected=$(printf ' 0 0 %d %d 0 0 %d %d' $((s / 256)) $((s % 256)) $((s / 256)) $((s % 256)))
  [ "$size" = "$expected" ] || fail "the ${s}px icon is not ${s}x$s (header bytes:$size)"
done

# The moved copy's runs, in one script so they can run with the trees hidden.
cat >"$work/run.sh" <<RUN
set -eu
cd "$work"
"$p/bin/bertlens-cli" analyze --text "the [MASK] barked ." >analyze.json 2>analyze.err
"$p/bin/bertlens-cli" analyze --text "the [MASK] barked ." --format text >analyze.txt 2>/dev/null
QT_QPA_PLATFORM=offscreen "$p/bin/bertlens" --export figs --text "the [MASK] barked ." --view head >export.out 2>export.err
env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$p/bin/bertlens" --help >help.out 2>help.err
env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$p/bin/bertlens" --version >version.out
"$p/bin/bertlens-cli" --version >cli-version.out
env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$p/bin/bertlens" --no-such-option >bogus.out 2>bogus.txt || echo \$? >bogus.rc
[ -e "$source/CMakeLists.txt" ] && echo visible >trees || echo hidden >trees
RUN
if [ "$(id -u)" = 0 ] && unshare --mount true 2>/dev/null; then
  unshare --mount sh -c "mount -t tmpfs none '$source' && mount -t tmpfs none '$build' 2>/dev/null || true; sh '$work/run.sh'" \
    || fail "a run of the moved copy failed with the trees hidden: $(cat "$work"/*.err 2>/dev/null)"
  [ "$(cat "$work/trees")" = hidden ] || fail "the source tree was still visible inside unshare"
else
  echo "note: cannot hide the source tree here (needs root and unshare); checking the reported paths only"
  sh "$work/run.sh" || fail "a run of the moved copy failed: $(cat "$work"/*.err 2>/dev/null)"
fi

grep -q "using the bundled model $p/share/bertlens/models/bertlens-mini\$" "$work/analyze.err" \
  || fail "analyze did not say it used the moved prefix's model: $(cat "$work/analyze.err")"
[ "$(wc -l <"$work/analyze.err")" -eq 1 ] || fail "analyze said more than one line on stderr: $(cat "$work/analyze.err")"
grep -q '"predictions":\[{"position":2' "$work/analyze.json" || fail "analyze gave no prediction for the [MASK] at 2"
grep -q '^tokens (6): \[CLS\] the \[MASK\] barked \. \[SEP\]$' "$work/analyze.txt" || fail "analyze --format text: $(head -2 "$work/analyze.txt")"
grep -q "using the bundled model $p/share/bertlens/models/bertlens-mini\$" "$work/export.err" \
  || fail "bertlens --export did not use the moved prefix's model: $(cat "$work/export.err")"
png=$(cat "$work/export.out")
[ -s "$png" ] && [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] || fail "no PNG from --export ($png)"
grep -q '^Usage: bertlens \[options\]' "$work/help.out" || fail "bertlens --help: $(cat "$work/help.out" "$work/help.err")"
[ "$(cat "$work/bogus.rc" 2>/dev/null)" = 2 ] && grep -q '^Usage: bertlens' "$work/bogus.txt" && [ ! -s "$work/bogus.out" ] \
  || fail "bertlens --no-such-option did not exit 2 with the usage on stderr: $(cat "$work/bogus.txt")"
[ "$(cat "$work/version.out")" = "bertlens $version" ] || fail "bertlens --version said $(cat "$work/version.out")"
[ "$(cat "$work/cli-version.out")" = "bertlens-cli $version" ] || fail "bertlens-cli --version said $(cat "$work/cli-version.out")"

if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$p/share/applications/io.github.bertlens.BertLens.desktop" || fail "desktop-file-validate"
else
  echo "skipped: desktop-file-validate is not installed (Debian: desktop-file-utils)"
fi
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net "$p/share/metainfo/io.github.bertlens.BertLens.metainfo.xml" || fail "appstreamcli validate"
  grep -q "release version=\"$version\"" "$p/share/metainfo/io.github.bertlens.BertLens.metainfo.xml" || fail "metainfo version"
else
  echo "skipped: appstreamcli is not installed (Debian: appstream)"
fi
if command -v man >/dev/null; then
  for page in bertlens bertlens-cli; do
    warnings=$(MANWIDTH=80 man --warnings -l "$p/share/man/man1/$page.1" 2>&1 >/dev/null)
    [ -z "$warnings" ] || fail "man $page: $warnings"
  done
else
  echo "skipped: man is not installed"
fi
echo "ok: installed, moved to $p and run from there"
