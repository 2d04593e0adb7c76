// The tensors of a pytorch_model.bin, read without running Python.
//
// Two layouts exist. torch.save since PyTorch 1.6 writes a zip archive:
// NAME/data.pkl (the pickled state_dict) and one stored entry NAME/data/KEY
// per storage. Older ones (and _use_new_zipfile_serialization=False) write
// one stream: pickles of a magic number, the protocol version and sys_info,
// then the state_dict, then the list of storage keys, then each storage as
// an 8-byte element count and its raw little-endian bytes.
//
// The pickles are read with PickleReader and a handler that accepts only
// what a tensor state_dict needs (collections.OrderedDict,
// torch._utils._rebuild_tensor_v2 and its older and Parameter forms, and
// torch.*Storage types as persistent ids); anything else is refused by name
// before it could run. Contiguous tensors are views into the caller's bytes;
// a tensor whose strides are not row-major is copied (gathered) into a
// buffer this object owns, and copiedTensors() counts them.
//
// parse() is a pure function of the bytes (the fuzzing entry point): every
// offset, shape and stride is checked against the data it refers to.
// Immutable after parse(), so safe to share between threads.
#pragma once

#include "io/SafeTensors.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bertlens {

class TorchCheckpoint {
public:
    enum class Format { Zip, Legacy };

    // fileName is used in error messages only. Throws CheckpointError.
    static TorchCheckpoint parse(const uint8_t* bytes, size_t size, const std::string& fileName);

    const TensorView* find(const std::string& name) const;
    const std::map<std::string, TensorView>& tensors() const { return m_tensors; }
    Format format() const { return m_format; }
    int copiedTensors() const { return static_cast<int>(m_copies.size()); }

private:
    friend class TorchCheckpointBuilder;
    Format m_format = Format::Zip;
    std::map<std::string, TensorView> m_tensors;
    std::vector<std::unique_ptr<uint8_t[]>> m_copies;  // gathered non-contiguous tensors
};

}  // namespace bertlens
