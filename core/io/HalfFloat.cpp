#include "io/HalfFloat.h"

#include <cstring>

namespace bertlens {
namespace {

float fromBits(uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

uint16_t load16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

}  // namespace

float halfToFloat(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1Fu;
    uint32_t mantissa = h & 0x3FFu;
    if (exponent == 0x1F) return fromBits(sign | 0x7F800000u | (mantissa << 13));  // inf / NaN
    if (exponent != 0) return fromBits(sign | ((exponent + 112) << 23) | (mantissa << 13));
    if (mantissa == 0) return fromBits(sign);  // signed zero
    // Subnormal: normalise the mantissa.
    int e = -1;
    do {
        ++e;
        mantissa <<= 1;
    } while ((mantissa & 0x400u) == 0);
    return fromBits(sign | static_cast<uint32_t>(112 - e) << 23 | ((mantissa & 0x3FFu) << 13));
}

float bfloat16ToFloat(uint16_t b) {
    return fromBits(static_cast<uint32_t>(b) << 16);
}

void widenHalf(const uint8_t* src, size_t count, float* dst) {
    for (size_t i = 0; i < count; ++i) dst[i] = halfToFloat(load16(src + 2 * i));
}

void widenBfloat16(const uint8_t* src, size_t count, float* dst) {
    for (size_t i = 0; i < count; ++i) dst[i] = bfloat16ToFloat(load16(src + 2 * i));
}

}  // namespace bertlens
