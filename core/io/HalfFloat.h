// Widening of IEEE half (F16) and bfloat16 (BF16) values to float, bit-exact
// (subnormals, infinities and NaNs included).
#pragma once

#include <cstddef>
#include <cstdint>

namespace bertlens {

float halfToFloat(uint16_t h);
float bfloat16ToFloat(uint16_t b);
// src may be unaligned; count elements are written to dst.
void widenHalf(const uint8_t* src, size_t count, float* dst);
void widenBfloat16(const uint8_t* src, size_t count, float* dst);

}  // namespace bertlens
