// A restricted reader of Python pickles that executes nothing.
//
// A pickle is a program for a small stack machine; Python's own unpickler
// will import and call any function the program names, which is how a
// malicious pytorch_model.bin runs code. This reader interprets only the data
// opcodes a tensor state_dict uses (numbers, strings, tuples, lists, dicts,
// the memo, marks) and hands the four dangerous ones to a PickleHandler that
// decides what is allowed: GLOBAL/STACK_GLOBAL (naming a function), REDUCE
// (calling it), BUILD (setting an object's state) and BINPERSID (a reference
// to data outside the pickle). Every other opcode that builds objects (INST,
// OBJ, NEWOBJ, EXT*, ...) is refused by name.
//
// Reads are bounds-checked against the buffer; object count and nesting are
// capped, so hostile bytes give a CheckpointError and bounded memory. Values
// live in a PickleArena and refer to each other by pointer, so cycles made by
// a hostile memo cannot leak. Not thread-safe; use one arena per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace bertlens {

struct PickleValue {
    enum class Kind { None, Bool, Int, BigInt, Float, String, Bytes, Tuple, List, Dict, Global, Object };
    Kind kind = Kind::None;
    int64_t integer = 0;              // Bool, Int; Object: the handler's own handle
    int objectType = 0;               // Object: the handler's own type tag
    double real = 0;                  // Float
    std::string text;                 // String, Bytes, Global ("module.name"), BigInt (little-endian two's complement)
    std::vector<PickleValue*> items;  // Tuple, List; Dict: key, value, key, value, ... in insertion order

    bool isString() const { return kind == Kind::String; }
    bool isInt() const { return kind == Kind::Int; }
};

const char* pickleKindName(PickleValue::Kind kind);

// Owns every value of one or more pickle runs.
class PickleArena {
public:
    // Throws CheckpointError once the arena holds more values than a weights
    // file could need (context names the file).
    PickleValue* make(PickleValue::Kind kind, const std::string& context);
    size_t size() const { return m_values.size(); }

private:
    std::deque<PickleValue> m_values;
};

class PickleHandler {
public:
    virtual ~PickleHandler() = default;
    // GLOBAL or STACK_GLOBAL named module.name: throw to refuse it.
    virtual void checkGlobal(const std::string& module, const std::string& name) = 0;
    // REDUCE: callable is a Global the handler accepted, args a Tuple.
    virtual PickleValue* call(const PickleValue& callable, const PickleValue& args, PickleArena& arena) = 0;
    // BINPERSID: a reference to data kept outside the pickle.
    virtual PickleValue* persistentLoad(const PickleValue& id, PickleArena& arena) = 0;
    // BUILD: set target's state.
    virtual void build(PickleValue& target, const PickleValue& state) = 0;
};

struct PickleResult {
    const PickleValue* value = nullptr;
    size_t end = 0;  // offset just past the STOP opcode
};

// Runs the pickle that starts at bytes[offset]; stops at its STOP opcode.
// context names the pickle in messages (e.g. "pytorch_model.bin (archive/data.pkl)").
PickleResult readPickle(const uint8_t* bytes, size_t size, size_t offset, PickleHandler& handler, PickleArena& arena,
                        const std::string& context);

}  // namespace bertlens
