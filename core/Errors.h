// Typed errors thrown by the BertLens core.
//
// Every message is meant to be shown to a user as it is: it names the file,
// the tensor or the input at fault, what was expected and what was found, and
// what to do about it. Nothing in core aborts the process on bad input.
// The message is made safe to print (text/SafeText.h) when the error is
// built, so a hostile file's bytes never reach a terminal or a dialog raw.
#pragma once

#include "text/SafeText.h"

#include <stdexcept>
#include <string>

namespace bertlens {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(safeText(message)) {}
};

// A checkpoint folder or one of its files is missing, malformed or disagrees
// with config.json.
class CheckpointError : public Error {
public:
    using Error::Error;
};

// The text given to the model cannot be analysed (empty, too long, ...).
class InputError : public Error {
public:
    using Error::Error;
};

// A run was cancelled between layers by the caller.
class Cancelled : public Error {
public:
    Cancelled() : Error("the analysis was cancelled") {}
};

}  // namespace bertlens
