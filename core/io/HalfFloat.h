// Conversions between float and IEEE half (F16) / bfloat16 (BF16), bit-exact
// (subnormals, infinities and NaNs included). Narrowing rounds to nearest,
// ties to even, as torch's .half() and .bfloat16() do. Pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bertlens {

float halfToFloat(uint16_t h);
float bfloat16ToFloat(uint16_t b);
// src may be unaligned; count elements are written to dst.
void widenHalf(const uint8_t* src, size_t count, float* dst);
void widenBfloat16(const uint8_t* src, size_t count, float* dst);

uint16_t floatToHalf(float f);
uint16_t floatToBfloat16(float f);

}  // namespace bertlens
