# tools/package.sh: a Debian package of what `cmake --install` puts under
# /usr, built by CPack. Runtime dependencies come from the binaries
# (dpkg-shlibdeps), not from a list kept by hand.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME bertlens)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "look inside BERT: attention, predictions and embeddings")
set(CPACK_PACKAGE_DESCRIPTION "BertLens runs a BERT model on the sentence you type and shows the attention of every head, the words it guesses for each [MASK] and the path of each token through the layers. It works offline with a small bundled model, opens Hugging Face BERT checkpoints, and exports every view as PNG, SVG or PDF; bertlens-cli prints the numbers as JSON.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "BertLens <bertlens@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
