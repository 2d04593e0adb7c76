#include "io/HalfFloat.h"

#include <cstring>

namespace bertlens {
namespace {

float fromBits(uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

uint32_t toBits(float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    return bits;
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

uint16_t floatToHalf(float f) {
    const uint32_t bits = toBits(f);
    const auto sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
    const uint32_t exponent = (bits >> 23) & 0xFFu;
    const uint32_t mantissa = bits & 0x7FFFFFu;
    if (exponent == 0xFF) {  // inf stays inf; NaN keeps a quiet payload bit
        return static_cast<uint16_t>(sign | 0x7C00u | (mantissa ? 0x200u | (mantissa >> 13) : 0u));
    }
    const int e = static_cast<int>(exponent) - 127 + 15;          // re-biased half exponent
    if (e >= 0x1F) return static_cast<uint16_t>(sign | 0x7C00u);  // too large: inf
    // Shift the 24-bit significand (implicit 1 included) so that its top 11
    // bits (10 for subnormals, fewer below) become the half's, then round on
    // the bits shifted out: above half way up, exactly half way to even.
    const uint32_t significand = mantissa | 0x800000u;
    const int shift = e >= 1 ? 13 : 14 - e;
    if (shift > 24) return sign;  // below half the smallest subnormal: signed zero
    uint32_t result = significand >> shift;
    const uint32_t rest = significand & ((1u << shift) - 1u);
    const uint32_t halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (result & 1u))) ++result;  // may carry into the exponent: correct
    if (e >= 1) result = (static_cast<uint32_t>(e) << 10) + (result - 0x400u);
    return static_cast<uint16_t>(sign | result);
}

uint16_t floatToBfloat16(float f) {
    const uint32_t bits = toBits(f);
    if ((bits & 0x7F800000u) == 0x7F800000u && (bits & 0x7FFFFFu)) {
        return static_cast<uint16_t>((bits >> 16) | 0x40u);  // NaN stays a (quiet) NaN
    }
    const uint32_t roundingBias = 0x7FFFu + ((bits >> 16) & 1u);
    return static_cast<uint16_t>((bits + roundingBias) >> 16);
}

}  // namespace bertlens
