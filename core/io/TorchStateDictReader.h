// The allow-list for the pickles inside a pytorch_model.bin: a PickleHandler
// that lets through only what a tensor state_dict needs and records the
// storages and tensors the pickle describes (the bytes are found later, by
// TorchCheckpoint, in the zip entries or after the legacy stream).
//
// Allowed globals: collections.OrderedDict (called with no arguments),
// torch._utils._rebuild_tensor_v2 / _rebuild_tensor (make a tensor from a
// storage, offset, shape and strides), torch._utils._rebuild_parameter /
// _rebuild_parameter_with_state (unwrap an nn.Parameter), and the typed
// storage classes torch.FloatStorage, HalfStorage, BFloat16Storage,
// DoubleStorage, LongStorage, IntStorage, ShortStorage, CharStorage,
// ByteStorage and BoolStorage, which may only appear inside a persistent id.
// Everything else is refused by its module.name. Not thread-safe.
#pragma once

#include "io/PickleReader.h"
#include "io/SafeTensors.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace bertlens {

struct TorchStorageRef {
    std::string key;             // data/KEY in a zip; a storage key in the legacy stream
    DType dtype = DType::Other;  // from the storage class
    uint64_t elements = 0;       // the whole storage, as the persistent id says
    uint64_t viewOffset = 0;     // legacy storage views only: the view's first element
    uint64_t viewElements = 0;   // ... and its length (== elements when not a view)
};

struct TorchTensorRef {
    size_t storage = 0;   // index into storages()
    uint64_t offset = 0;  // in elements, from the storage (view) start
    std::vector<int64_t> shape;
    std::vector<int64_t> stride;
};

class TorchStateDictReader : public PickleHandler {
public:
    // context names the pickle in messages ("/x/pytorch_model.bin (archive/data.pkl)").
    explicit TorchStateDictReader(std::string fileName) : m_fileName(std::move(fileName)) {}

    // Runs one pickle starting at offset; returns its value and end offset.
    PickleResult read(const uint8_t* bytes, size_t size, size_t offset, const std::string& context);
    // The name -> tensor pairs of a state_dict value (non-tensor entries are skipped).
    std::vector<std::pair<std::string, TorchTensorRef>> tensorsOf(const PickleValue& stateDict) const;
    const std::vector<TorchStorageRef>& storages() const { return m_storages; }

    void checkGlobal(const std::string& module, const std::string& name) override;
    PickleValue* call(const PickleValue& callable, const PickleValue& args, PickleArena& arena) override;
    PickleValue* persistentLoad(const PickleValue& id, PickleArena& arena) override;
    void build(PickleValue& target, const PickleValue& state) override;

private:
    enum ObjectType { kStorage = 1, kTensor = 2 };
    [[noreturn]] void fail(const std::string& what) const;
    PickleValue* rebuildTensor(const PickleValue& args, PickleArena& arena);
    int64_t intArg(const PickleValue& v, const char* what) const;

    std::string m_fileName;
    std::string m_context;
    PickleArena m_arena;
    std::vector<TorchStorageRef> m_storages;
    std::map<std::string, size_t> m_storageByKey;
    std::vector<TorchTensorRef> m_tensors;
};

}  // namespace bertlens
