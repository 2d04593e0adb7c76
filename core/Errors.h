// Typed errors thrown by the BertLens core.
//
// Every message is meant to be shown to a user as it is: it names the file,
// the tensor or the input at fault, what was expected and what was found, and
// what to do about it. Nothing in core aborts the process on bad input.
#pragma once

#include <stdexcept>
#include <string>

namespace bertlens {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
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
