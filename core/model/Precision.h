// The arithmetic a forward pass uses for its linear layers.
//
//   f32   every product in float32, as the checkpoint holds it (the default;
//         the exactness tests are about this one)
//   bf16  the linear layers' weights and inputs rounded to bfloat16 (8 bits
//         of mantissa), products summed in float32: twice the multiply-adds
//         per instruction where the CPU has BF16 dot products (AVX512-BF16),
//         half the weight bytes streamed. Attention scores, softmax, layer
//         norms and the masked-LM head stay float32.
//
// Plain functions: thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

namespace bertlens {

enum class Precision { F32, Bf16 };

const char* precisionName(Precision precision);  // "f32" / "bf16"
bool parsePrecision(const std::string& text, Precision& precision);
// Whether this build multiplies BF16 with the CPU's own dot-product
// instructions (else a portable loop, slower than F32).
bool nativeBf16();

// float32 to bfloat16, rounding to nearest even; NaN stays a (quiet) NaN.
inline uint16_t toBf16(float f) {
    uint32_t u = 0;
    std::memcpy(&u, &f, sizeof u);
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40u);
    u += 0x7fffu + ((u >> 16) & 1u);
    return static_cast<uint16_t>(u >> 16);
}

inline float fromBf16(uint16_t h) {
    const uint32_t u = static_cast<uint32_t>(h) << 16;
    float f = 0.0f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

}  // namespace bertlens
