// Reads the small text files of a model folder (config.json,
// tokenizer_config.json, vocab.txt) whole, refusing before reading anything
// that is not a regular file (a FIFO would block the loader forever, a
// symlink to /dev/zero would fill memory until the machine gives out) or that
// is larger than such a file can be.
//
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace bertlens {

// The bytes of path. Throws CheckpointError naming the path when it cannot be
// opened, is not a regular file, or holds more than maxBytes; `what` names the
// file's role in that message ("a config.json").
std::string readRegularFile(const std::string& path, uint64_t maxBytes, const std::string& what);

}  // namespace bertlens
