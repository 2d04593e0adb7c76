// Copies a model folder (its regular files, not sub-folders) to a new place
// all at once or not at all: the files are written into a hidden folder
// beside the target, each through AtomicFile, and that folder is renamed to
// the target last, so a crash, a full disk or an error leaves either no
// target or the complete one, never a half-written model. The window's
// Fine-tune view saves a fine-tuned model with it.
//
//   copyFolderAtomically("/tmp/run/bertlens-mini-agreement-100", "/home/me/my-classifier");
//
// Stateless; thread-safe for different targets.
#pragma once

#include <string>

namespace bertlens {

// Throws Error when the target exists and is not an empty folder (choose a
// new one), when from holds no file, or when a file cannot be read or
// written (naming it); the target is then as it was.
void copyFolderAtomically(const std::string& from, const std::string& to);

}  // namespace bertlens
