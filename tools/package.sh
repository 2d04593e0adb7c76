#!/bin/sh
# Builds the Debian package (CPack, cmake/Packaging.cmake; dependencies from
# dpkg-shlibdeps), then checks it the way tests/install does: extracted with
# dpkg-deb -x into an empty temporary folder (never installed), moved, and run
# there with the source and build trees hidden. Prints the .deb's path.
#   tools/package.sh                              portable build in build-package/ (no -march=native)
#   BERTLENS_PACKAGE_BUILD=build tools/package.sh  package an existing build folder as it is
set -eu
cd "$(dirname "$0")/.."
build=${BERTLENS_PACKAGE_BUILD:-build-package}
if [ -z "${BERTLENS_PACKAGE_BUILD:-}" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBERTLENS_NATIVE=OFF -DBERTLENS_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target bertlens bertlens-cli
rm -f "$build"/bertlens_*.deb
(cd "$build" && cpack -G DEB >cpack.log) || { cat "$build/cpack.log"; exit 1; }
deb=$(cd "$build" && ls "$PWD"/bertlens_*.deb)
version=$(dpkg-deb -f "$deb" Version)
echo "== $deb: $(dpkg-deb -f "$deb" Depends)"
BERTLENS_DEB=$deb sh tests/install/install_test.sh "$build" . "$version"
if command -v lintian >/dev/null; then
  lintian --no-tag-display-limit "$deb" || echo "lintian reported the above (not fatal)"
else
  echo "skipped: lintian is not installed"
fi
echo "$deb"
