#include "io/PickleReader.h"

#include "Errors.h"

#include <cstring>
#include <unordered_map>

namespace bertlens {
namespace {

// A BERT-large state_dict needs about 10,000 values; this leaves ample room
// and keeps a hostile pickle's memory use to some tens of megabytes.
constexpr size_t kMaxValues = size_t(1) << 20;
constexpr size_t kMaxStack = size_t(1) << 20;

using Kind = PickleValue::Kind;

struct OpcodeName {
    uint8_t code;
    const char* name;
};
// Opcodes a state_dict never needs, named so the refusal says what was asked for.
constexpr OpcodeName kRefusedOpcodes[] = {{'i', "INST"},        {'o', "OBJ"},          {0x81, "NEWOBJ"},
                                          {0x92, "NEWOBJ_EX"},  {0x82, "EXT1"},        {0x83, "EXT2"},
                                          {0x84, "EXT4"},       {'P', "PERSID"},       {'I', "INT"},
                                          {'L', "LONG"},        {'S', "STRING"},       {'V', "UNICODE"},
                                          {'F', "FLOAT"},       {'g', "GET"},          {'p', "PUT"},
                                          {0x8f, "EMPTY_SET"},  {0x90, "ADDITEMS"},    {0x91, "FROZENSET"},
                                          {0x96, "BYTEARRAY8"}, {0x97, "NEXT_BUFFER"}, {0x98, "READONLY_BUFFER"}};

std::string hexByte(uint8_t b) {
    const char* digits = "0123456789abcdef";
    return std::string("0x") + digits[b >> 4] + digits[b & 15];
}

class Machine {
public:
    Machine(const uint8_t* bytes, size_t size, size_t offset, PickleHandler& handler, PickleArena& arena,
            const std::string& context)
        : m_bytes(bytes), m_size(size), m_at(offset), m_handler(handler), m_arena(arena), m_context(context) {}

    PickleResult run() {
        if (m_at >= m_size) fail("is empty where a pickle should start; the file is truncated");
        for (;;) {
            const size_t opcodeAt = m_at;
            const uint8_t op = take(1)[0];
            if (op == '.') {
                if (m_stack.empty()) fail("ends (STOP) with nothing on the stack; the file is damaged");
                return {m_stack.back(), m_at};
            }
            step(op, opcodeAt);
        }
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw CheckpointError(m_context + " " + what); }

    const uint8_t* take(size_t n) {
        if (n > m_size - m_at) {
            fail("is truncated: the pickle needs " + std::to_string(n) + " more bytes at byte " + std::to_string(m_at) +
                 " but the data ends at " + std::to_string(m_size));
        }
        const uint8_t* p = m_bytes + m_at;
        m_at += n;
        return p;
    }

    uint64_t takeLe(int n) {
        const uint8_t* p = take(static_cast<size_t>(n));
        uint64_t v = 0;
        for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
        return v;
    }

    std::string takeLine() {
        const void* nl = std::memchr(m_bytes + m_at, '\n', m_size - m_at);
        if (nl == nullptr) fail("is truncated inside a GLOBAL name");
        const size_t length = static_cast<const uint8_t*>(nl) - (m_bytes + m_at);
        std::string line(reinterpret_cast<const char*>(take(length)), length);
        take(1);
        return line;
    }

    PickleValue* make(Kind kind) { return m_arena.make(kind, m_context); }

    void push(PickleValue* v) {
        if (m_stack.size() >= kMaxStack) fail("nests deeper than any weights file; the file is damaged");
        m_stack.push_back(v);
    }

    PickleValue* pop() {
        if (m_stack.size() <= base()) fail("pops an empty stack; the file is damaged");
        PickleValue* v = m_stack.back();
        m_stack.pop_back();
        return v;
    }

    PickleValue* top() {
        if (m_stack.size() <= base()) fail("reads an empty stack; the file is damaged");
        return m_stack.back();
    }

    size_t base() const { return m_marks.empty() ? 0 : m_marks.back(); }

    // The values pushed since the last MARK, which is removed.
    std::vector<PickleValue*> popToMark() {
        if (m_marks.empty()) fail("closes a MARK that was never set; the file is damaged");
        const size_t mark = m_marks.back();
        m_marks.pop_back();
        std::vector<PickleValue*> items(m_stack.begin() + static_cast<std::ptrdiff_t>(mark), m_stack.end());
        m_stack.resize(mark);
        return items;
    }

    PickleValue* makeInt(int64_t v) {
        PickleValue* p = make(Kind::Int);
        p->integer = v;
        return p;
    }

    PickleValue* makeText(Kind kind, size_t length) {
        const uint8_t* p = take(length);
        PickleValue* v = make(kind);
        v->text.assign(reinterpret_cast<const char*>(p), length);
        return v;
    }

    PickleValue* makeTuple(std::vector<PickleValue*> items) {
        PickleValue* v = make(Kind::Tuple);
        v->items = std::move(items);
        return v;
    }

    // LONG1/LONG4: little-endian two's complement; kept as an integer when it fits.
    PickleValue* makeLong(size_t length) {
        if (length > 4096) fail("holds an integer of " + std::to_string(length) + " bytes; the file is damaged");
        const uint8_t* p = take(length);
        if (length <= 8) {
            uint64_t u = 0;
            for (size_t i = length; i-- > 0;) u = (u << 8) | p[i];
            if (length > 0 && length < 8 && (p[length - 1] & 0x80)) u |= ~uint64_t(0) << (8 * length);
            int64_t s;
            std::memcpy(&s, &u, sizeof s);
            return makeInt(length == 0 ? 0 : s);
        }
        PickleValue* v = make(Kind::BigInt);
        v->text.assign(reinterpret_cast<const char*>(p), length);
        return v;
    }

    void memoPut(uint64_t index) {
        if (m_memo.size() >= kMaxValues && !m_memo.count(index)) fail("has too many memo entries; it is damaged");
        m_memo[index] = top();
    }

    PickleValue* memoGet(uint64_t index) {
        const auto it = m_memo.find(index);
        if (it == m_memo.end()) fail("refers to memo entry " + std::to_string(index) + ", which was never stored");
        return it->second;
    }

    void setItems(PickleValue* dict, const std::vector<PickleValue*>& items) {
        if (dict->kind != Kind::Dict) {
            fail(std::string("sets dictionary items on a ") + pickleKindName(dict->kind) + "; the file is damaged");
        }
        if (items.size() % 2 != 0) fail("has a key without a value; the file is damaged");
        dict->items.insert(dict->items.end(), items.begin(), items.end());
    }

    void appendItems(PickleValue* list, const std::vector<PickleValue*>& items) {
        if (list->kind != Kind::List) {
            fail(std::string("appends to a ") + pickleKindName(list->kind) + "; the file is damaged");
        }
        list->items.insert(list->items.end(), items.begin(), items.end());
    }

    void global(const std::string& module, const std::string& name) {
        m_handler.checkGlobal(module, name);  // throws when refused
        PickleValue* v = make(Kind::Global);
        v->text = module + "." + name;
        push(v);
    }

    void step(uint8_t op, size_t opcodeAt) {
        switch (op) {
            case 0x80: {  // PROTO
                const uint8_t version = take(1)[0];
                if (version > 5) fail("is pickle protocol " + std::to_string(version) + "; Python knows 0 to 5");
                break;
            }
            case 0x95:
                take(8);
                break;  // FRAME: only a read-ahead hint
            case '(':
                m_marks.push_back(m_stack.size());
                break;
            case ')':
                push(makeTuple({}));
                break;
            case '}':
                push(make(Kind::Dict));
                break;
            case ']':
                push(make(Kind::List));
                break;
            case 't':
                push(makeTuple(popToMark()));
                break;
            case 0x85:
            case 0x86:
            case 0x87: {  // TUPLE1..3
                const size_t n = op - 0x84u;
                std::vector<PickleValue*> items(n);
                for (size_t i = n; i-- > 0;) items[i] = pop();
                push(makeTuple(std::move(items)));
                break;
            }
            case 'l': {
                PickleValue* list = make(Kind::List);
                list->items = popToMark();
                push(list);
                break;
            }
            case 'd': {
                PickleValue* dict = make(Kind::Dict);
                setItems(dict, popToMark());
                push(dict);
                break;
            }
            case 'a': {
                PickleValue* item = pop();
                appendItems(top(), {item});
                break;
            }
            case 'e': {
                std::vector<PickleValue*> items = popToMark();
                appendItems(top(), items);
                break;
            }
            case 's': {
                PickleValue* value = pop();
                PickleValue* key = pop();
                setItems(top(), {key, value});
                break;
            }
            case 'u': {
                std::vector<PickleValue*> items = popToMark();
                setItems(top(), items);
                break;
            }
            case 'q':
                memoPut(takeLe(1));
                break;
            case 'r':
                memoPut(takeLe(4));
                break;
            case 0x94:
                memoPut(m_memo.size());
                break;  // MEMOIZE
            case 'h':
                push(memoGet(takeLe(1)));
                break;
            case 'j':
                push(memoGet(takeLe(4)));
                break;
            case 'J':
                push(makeInt(static_cast<int32_t>(static_cast<uint32_t>(takeLe(4)))));
                break;
            case 'K':
                push(makeInt(static_cast<int64_t>(takeLe(1))));
                break;
            case 'M':
                push(makeInt(static_cast<int64_t>(takeLe(2))));
                break;
            case 0x8a:
                push(makeLong(takeLe(1)));
                break;
            case 0x8b:
                push(makeLong(takeLe(4)));
                break;
            case 'G': {  // BINFLOAT: big-endian IEEE double
                const uint8_t* p = take(8);
                uint64_t bits = 0;
                for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i];
                PickleValue* v = make(Kind::Float);
                std::memcpy(&v->real, &bits, sizeof bits);
                push(v);
                break;
            }
            case 0x88:
            case 0x89: {
                PickleValue* v = make(Kind::Bool);
                v->integer = op == 0x88;
                push(v);
                break;
            }
            case 'N':
                push(make(Kind::None));
                break;
            case 'X':
                push(makeText(Kind::String, takeLe(4)));
                break;
            case 0x8c:
                push(makeText(Kind::String, takeLe(1)));
                break;
            case 0x8d:
                push(makeText(Kind::String, checkedLength(takeLe(8))));
                break;
            case 'T':
                push(makeText(Kind::String, takeLe(4)));
                break;  // Python 2 str
            case 'U':
                push(makeText(Kind::String, takeLe(1)));
                break;
            case 'B':
                push(makeText(Kind::Bytes, takeLe(4)));
                break;
            case 'C':
                push(makeText(Kind::Bytes, takeLe(1)));
                break;
            case 0x8e:
                push(makeText(Kind::Bytes, checkedLength(takeLe(8))));
                break;
            case '0':
                pop();
                break;
            case '1':
                popToMark();
                break;
            case '2':
                push(top());
                break;
            case 'c': {
                const std::string module = takeLine();
                const std::string name = takeLine();
                global(module, name);
                break;
            }
            case 0x93: {  // STACK_GLOBAL
                PickleValue* name = pop();
                PickleValue* module = pop();
                if (!name->isString() || !module->isString()) fail("names a function with something not a string");
                global(module->text, name->text);
                break;
            }
            case 'Q': {
                PickleValue* id = pop();
                push(m_handler.persistentLoad(*id, m_arena));
                break;
            }
            case 'R': {
                PickleValue* args = pop();
                PickleValue* callable = pop();
                if (callable->kind != Kind::Global) {
                    fail(std::string("calls a ") + pickleKindName(callable->kind) + " as a function; it is damaged");
                }
                if (args->kind != Kind::Tuple) fail("calls " + callable->text + " without an argument tuple");
                push(m_handler.call(*callable, *args, m_arena));
                break;
            }
            case 'b': {
                PickleValue* state = pop();
                m_handler.build(*top(), *state);
                break;
            }
            default:
                refuse(op, opcodeAt);
        }
    }

    size_t checkedLength(uint64_t length) {
        if (length > m_size - m_at) take(m_size - m_at + 1);  // reports the truncation
        return static_cast<size_t>(length);
    }

    [[noreturn]] void refuse(uint8_t op, size_t at) const {
        for (const OpcodeName& o : kRefusedOpcodes) {
            if (o.code == op) {
                fail(std::string("uses the pickle opcode ") + o.name + " (at byte " + std::to_string(at) +
                     "), which a weights file never needs; BertLens refuses to run it");
            }
        }
        fail("has the byte " + hexByte(op) + " at " + std::to_string(at) +
             " where a pickle opcode should be; the file is damaged or not a PyTorch checkpoint");
    }

    const uint8_t* m_bytes;
    size_t m_size;
    size_t m_at;
    PickleHandler& m_handler;
    PickleArena& m_arena;
    const std::string& m_context;
    std::vector<PickleValue*> m_stack;
    std::vector<size_t> m_marks;
    std::unordered_map<uint64_t, PickleValue*> m_memo;
};

}  // namespace

const char* pickleKindName(PickleValue::Kind kind) {
    switch (kind) {
        case Kind::None:
            return "None";
        case Kind::Bool:
            return "bool";
        case Kind::Int:
            return "int";
        case Kind::BigInt:
            return "big int";
        case Kind::Float:
            return "float";
        case Kind::String:
            return "string";
        case Kind::Bytes:
            return "bytes";
        case Kind::Tuple:
            return "tuple";
        case Kind::List:
            return "list";
        case Kind::Dict:
            return "dict";
        case Kind::Global:
            return "function";
        case Kind::Object:
            return "object";
    }
    return "value";
}

PickleValue* PickleArena::make(PickleValue::Kind kind, const std::string& context) {
    if (m_values.size() >= kMaxValues) {
        throw CheckpointError(context +
                              " holds more than a million objects; a weights file needs a few thousand, "
                              "so the file is damaged or not a state_dict");
    }
    PickleValue& v = m_values.emplace_back();
    v.kind = kind;
    return &v;
}

PickleResult readPickle(const uint8_t* bytes, size_t size, size_t offset, PickleHandler& handler, PickleArena& arena,
                        const std::string& context) {
    return Machine(bytes, size, offset, handler, arena, context).run();
}

}  // namespace bertlens
