#include "io/TorchStateDictReader.h"

#include "Errors.h"

namespace bertlens {
namespace {

using Kind = PickleValue::Kind;

// Storage classes may be named (inside a persistent id), never called.
struct StorageClass {
    const char* name;
    DType dtype;
};
constexpr StorageClass kStorageClasses[] = {{"torch.FloatStorage", DType::F32},     {"torch.HalfStorage", DType::F16},
                                            {"torch.BFloat16Storage", DType::BF16}, {"torch.DoubleStorage", DType::F64},
                                            {"torch.LongStorage", DType::I64},      {"torch.IntStorage", DType::I32},
                                            {"torch.ShortStorage", DType::I16},     {"torch.CharStorage", DType::I8},
                                            {"torch.ByteStorage", DType::U8},       {"torch.BoolStorage", DType::Bool}};

constexpr const char* kOrderedDict = "collections.OrderedDict";
constexpr const char* kRebuildTensorV2 = "torch._utils._rebuild_tensor_v2";
constexpr const char* kRebuildTensor = "torch._utils._rebuild_tensor";
constexpr const char* kRebuildParameter = "torch._utils._rebuild_parameter";
constexpr const char* kRebuildParameterWithState = "torch._utils._rebuild_parameter_with_state";
constexpr const char* kFunctions[] = {kOrderedDict, kRebuildTensorV2, kRebuildTensor, kRebuildParameter,
                                      kRebuildParameterWithState};

const StorageClass* storageClass(const std::string& qualifiedName) {
    for (const StorageClass& s : kStorageClasses) {
        if (qualifiedName == s.name) return &s;
    }
    return nullptr;
}

// 16 dimensions and 2^48 elements are far beyond any weight, and keep every
// product of shape and stride below 2^63.
constexpr int64_t kMaxDims = 16;
constexpr int64_t kMaxExtent = int64_t(1) << 48;

}  // namespace

PickleResult TorchStateDictReader::read(const uint8_t* bytes, size_t size, size_t offset, const std::string& context) {
    m_context = context;
    return readPickle(bytes, size, offset, *this, m_arena, context);
}

void TorchStateDictReader::fail(const std::string& what) const {
    throw CheckpointError(m_context + " " + what);
}

void TorchStateDictReader::checkGlobal(const std::string& module, const std::string& name) {
    const std::string qualified = module + "." + name;
    if (storageClass(qualified)) return;
    for (const char* f : kFunctions) {
        if (qualified == f) return;
    }
    std::string hint;
    if (module.rfind("torch.", 0) == 0 || module.rfind("transformers.", 0) == 0) {
        hint =
            " (the file seems to hold a whole pickled model object rather than its state_dict: save it with "
            "save_pretrained(), or torch.save(model.state_dict()))";
    }
    throw CheckpointError(m_fileName + " asks to call " + qualified +
                          ", which a weights file never needs; BertLens refuses to run it" + hint +
                          ". Only open weights from a source you trust; model.safetensors files cannot run code");
}

int64_t TorchStateDictReader::intArg(const PickleValue& v, const char* what) const {
    if (v.kind != Kind::Int || v.integer < 0 || v.integer > kMaxExtent) {
        fail(std::string("gives a tensor ") + what + " that is not a size from 0 to 2^48 (a " + pickleKindName(v.kind) +
             (v.kind == Kind::Int ? " " + std::to_string(v.integer) : std::string()) + "); the file is damaged");
    }
    return v.integer;
}

PickleValue* TorchStateDictReader::call(const PickleValue& callable, const PickleValue& args, PickleArena& arena) {
    const std::string& f = callable.text;
    const size_t n = args.items.size();
    if (f == kOrderedDict) {
        if (n != 0) fail("calls collections.OrderedDict with arguments, which a state_dict never does");
        return arena.make(Kind::Dict, m_context);
    }
    if ((f == kRebuildTensorV2 && (n == 6 || n == 7)) || (f == kRebuildTensor && n == 4)) {
        return rebuildTensor(args, arena);
    }
    if ((f == kRebuildParameter && n == 3) || (f == kRebuildParameterWithState && n == 4)) {
        PickleValue* data = args.items[0];
        if (data->kind != Kind::Object || data->objectType != kTensor) fail("makes a Parameter out of a non-tensor");
        return data;
    }
    if (storageClass(f)) fail("calls " + f + " directly, which a state_dict never does; the file is damaged");
    fail("calls " + f + " with " + std::to_string(n) + " arguments, which a state_dict never does");
}

PickleValue* TorchStateDictReader::rebuildTensor(const PickleValue& args, PickleArena& arena) {
    const PickleValue& storage = *args.items[0];
    if (storage.kind != Kind::Object || storage.objectType != kStorage) {
        fail(std::string("rebuilds a tensor from a ") + pickleKindName(storage.kind) + " instead of a storage");
    }
    TorchTensorRef t;
    t.storage = static_cast<size_t>(storage.integer);
    t.offset = static_cast<uint64_t>(intArg(*args.items[1], "storage offset"));
    const PickleValue& shape = *args.items[2];
    const PickleValue& stride = *args.items[3];
    if (shape.kind != Kind::Tuple || stride.kind != Kind::Tuple || shape.items.size() != stride.items.size()) {
        fail("rebuilds a tensor whose shape and strides are not two tuples of the same length");
    }
    if (shape.items.size() > static_cast<size_t>(kMaxDims)) {
        fail("rebuilds a tensor of " + std::to_string(shape.items.size()) + " dimensions; weights have at most 16");
    }
    for (size_t i = 0; i < shape.items.size(); ++i) {
        t.shape.push_back(intArg(*shape.items[i], "dimension"));
        t.stride.push_back(intArg(*stride.items[i], "stride"));
    }
    m_tensors.push_back(std::move(t));
    PickleValue* v = arena.make(Kind::Object, m_context);
    v->objectType = kTensor;
    v->integer = static_cast<int64_t>(m_tensors.size() - 1);
    return v;
}

PickleValue* TorchStateDictReader::persistentLoad(const PickleValue& id, PickleArena& arena) {
    const auto& it = id.items;
    if (id.kind != Kind::Tuple || (it.size() != 5 && it.size() != 6) || !it[0]->isString() ||
        it[0]->text != "storage" || it[1]->kind != Kind::Global || !it[2]->isString() || !it[4]->isInt() ||
        it[4]->integer < 0) {
        fail("refers to outside data with an id that is not a ('storage', type, key, location, size) tuple");
    }
    const StorageClass* type = storageClass(it[1]->text);
    if (type == nullptr) fail("uses " + it[1]->text + " as a storage type");
    TorchStorageRef s;
    s.key = it[2]->text;
    s.dtype = type->dtype;
    s.elements = static_cast<uint64_t>(it[4]->integer);
    s.viewElements = s.elements;
    const bool isView = it.size() == 6 && it[5]->kind != Kind::None;
    if (isView) {  // legacy (view_key, offset, view_size): a slice of the storage KEY
        const PickleValue& view = *it[5];
        if (view.kind != Kind::Tuple || view.items.size() != 3 || !view.items[1]->isInt() || !view.items[2]->isInt() ||
            view.items[1]->integer < 0 || view.items[2]->integer < 0) {
            fail("has a storage view that is not a (key, offset, size) tuple");
        }
        s.viewOffset = static_cast<uint64_t>(view.items[1]->integer);
        s.viewElements = static_cast<uint64_t>(view.items[2]->integer);
    }
    // Tied weights share one storage; TorchCheckpoint checks that every
    // reference to a key (views included) agrees on its type and size.
    size_t index = m_storages.size();
    if (!isView) {
        const auto known = m_storageByKey.find(s.key);
        if (known != m_storageByKey.end()) {
            index = known->second;
            if (m_storages[index].dtype != s.dtype || m_storages[index].elements != s.elements) {
                fail("describes storage " + s.key + " twice with different types or sizes; the file is damaged");
            }
        } else {
            m_storageByKey.emplace(s.key, index);
        }
    }
    if (index == m_storages.size()) m_storages.push_back(std::move(s));
    PickleValue* v = arena.make(Kind::Object, m_context);
    v->objectType = kStorage;
    v->integer = static_cast<int64_t>(index);
    return v;
}

void TorchStateDictReader::build(PickleValue& target, const PickleValue&) {
    // OrderedDict carries the state_dict's _metadata (module versions) as its
    // state; BertLens does not need it.
    if (target.kind == Kind::Dict) return;
    fail(std::string("sets the state of a ") + pickleKindName(target.kind) + ", which a state_dict never does");
}

std::vector<std::pair<std::string, TorchTensorRef>> TorchStateDictReader::tensorsOf(
    const PickleValue& stateDict) const {
    if (stateDict.kind != Kind::Dict) {
        fail(std::string("holds a ") + pickleKindName(stateDict.kind) + ", not a state_dict (a dictionary of tensors)");
    }
    std::vector<std::pair<std::string, TorchTensorRef>> out;
    for (size_t i = 0; i + 1 < stateDict.items.size(); i += 2) {
        const PickleValue& key = *stateDict.items[i];
        const PickleValue& value = *stateDict.items[i + 1];
        if (value.kind != Kind::Object || value.objectType != kTensor) continue;
        if (!key.isString()) fail("has a tensor whose name is a " + std::string(pickleKindName(key.kind)));
        out.emplace_back(key.text, m_tensors[static_cast<size_t>(value.integer)]);
    }
    return out;
}

}  // namespace bertlens
