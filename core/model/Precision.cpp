#include "model/Precision.h"

namespace bertlens {

const char* precisionName(Precision precision) { return precision == Precision::Bf16 ? "bf16" : "f32"; }

bool parsePrecision(const std::string& text, Precision& precision) {
    for (Precision p : {Precision::F32, Precision::Bf16}) {
        if (text == precisionName(p)) {
            precision = p;
            return true;
        }
    }
    return false;
}

bool nativeBf16() {
#if defined(__AVX512BF16__)
    return true;
#else
    return false;
#endif
}

}  // namespace bertlens
