// The machine's float32 multiply-add peak, measured: what a GEMM could reach
// at best on these cores (clock, vector width and FMA ports as they are on
// this machine today, shared with whatever else runs). `bench` divides its
// GFLOP/s by it.
#pragma once

namespace bertlens::cli {

// GFLOP/s of `threads` threads running independent FMA chains for about
// `seconds`; 0 where the build has no FMA instructions to measure with.
double measurePeakGflops(int threads, double seconds = 0.2);

}  // namespace bertlens::cli
