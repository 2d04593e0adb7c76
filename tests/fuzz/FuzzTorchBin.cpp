// libFuzzer target: any bytes as a pytorch_model.bin (zip or legacy stream).
// The restricted pickle reader must refuse what it does not allow with a
// CheckpointError and never run anything; tensors it returns must lie inside
// the bytes given (or in its own copies); reading them lets AddressSanitizer check.
#include "FuzzSupport.h"

#include "Errors.h"
#include "io/TorchCheckpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace bertlens;
    try {
        const TorchCheckpoint checkpoint = TorchCheckpoint::parse(data, size, "fuzz.bin");
        for (const auto& [name, t] : checkpoint.tensors()) {
            fuzz::require(t.dtype != DType::Other, "a tensor without a dtype");
            fuzz::require(t.bytes == static_cast<size_t>(t.elementCount()) * dtypeSize(t.dtype),
                          "a tensor's byte count disagrees with its shape");
            fuzz::touch(t.data, t.bytes);
        }
    } catch (const CheckpointError& e) {
        fuzz::requirePrintable(e.what());
    }
    return 0;
}
