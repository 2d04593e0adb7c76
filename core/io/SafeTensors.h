// The safetensors format: an 8-byte little-endian header length, a JSON
// header {name: {dtype, shape, data_offsets}}, then the tensor bytes.
//
// parse() checks everything a hostile or damaged file could get wrong before
// any tensor is touched: header length against the file size, offsets inside
// the data area, no two tensors overlapping, byte counts matching
// shape x dtype. Tensors are views into the caller's bytes (usually a
// MappedFile); nothing is copied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bertlens {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool, Other };

const char* dtypeName(DType dtype);
size_t dtypeSize(DType dtype);  // 0 for Other

struct TensorView {
    std::string name;
    DType dtype = DType::Other;
    std::string dtypeText;  // as written in the header
    std::vector<int64_t> shape;
    const uint8_t* data = nullptr;
    size_t bytes = 0;

    int64_t elementCount() const;
};

class SafeTensors {
public:
    // fileName is used in error messages only.
    static SafeTensors parse(const uint8_t* bytes, size_t size, const std::string& fileName);

    const TensorView* find(const std::string& name) const;
    const std::map<std::string, TensorView>& tensors() const { return m_tensors; }

private:
    std::map<std::string, TensorView> m_tensors;
};

std::string shapeText(const std::vector<int64_t>& shape);

}  // namespace bertlens
