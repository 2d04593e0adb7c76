// libFuzzer target: any bytes as a model.safetensors file. parse() must
// either refuse the file with a CheckpointError or return views that lie
// inside the bytes given; reading every view lets AddressSanitizer check it.
#include "FuzzSupport.h"

#include "Errors.h"
#include "io/SafeTensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace bertlens;
    try {
        const SafeTensors st = SafeTensors::parse(data, size, "fuzz.safetensors");
        for (const auto& [name, t] : st.tensors()) {
            fuzz::require(t.data >= data && t.bytes <= size && t.data + t.bytes <= data + size,
                          "tensor view outside the file");
            fuzz::touch(t.data, t.bytes);
        }
    } catch (const CheckpointError& e) {
        fuzz::requirePrintable(e.what());
    }
    return 0;
}
