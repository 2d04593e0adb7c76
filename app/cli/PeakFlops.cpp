#include "PeakFlops.h"

#include "model/ThreadPool.h"

#include <atomic>
#include <chrono>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

namespace bertlens::cli {

namespace {

// 12 independent chains hide the FMA latency (4 cycles, 2-3 ports).
constexpr int kChains = 12;

#if defined(__AVX512F__)
constexpr int kLanes = 16;
float chains(long steps) {
    __m512 acc[kChains];
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(1.0f + 1e-3f * i);
    const __m512 m = _mm512_set1_ps(0.999999f), a = _mm512_set1_ps(1e-6f);
    for (long s = 0; s < steps; ++s) {
#pragma GCC unroll 12
        for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], m, a);
    }
    __m512 sum = acc[0];
    for (int i = 1; i < kChains; ++i) sum = _mm512_add_ps(sum, acc[i]);
    float lanes[16];  // not _mm512_reduce_add_ps: GCC 12 warns inside it
    _mm512_storeu_ps(lanes, sum);
    return lanes[0];
}
#elif defined(__AVX2__) && defined(__FMA__)
constexpr int kLanes = 8;
float chains(long steps) {
    __m256 acc[kChains];
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_ps(1.0f + 1e-3f * i);
    const __m256 m = _mm256_set1_ps(0.999999f), a = _mm256_set1_ps(1e-6f);
    for (long s = 0; s < steps; ++s) {
#pragma GCC unroll 12
        for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], m, a);
    }
    float lanes[8];
    __m256 sum = acc[0];
    for (int i = 1; i < kChains; ++i) sum = _mm256_add_ps(sum, acc[i]);
    _mm256_storeu_ps(lanes, sum);
    return lanes[0];
}
#else
constexpr int kLanes = 0;
float chains(long) { return 0.0f; }
#endif

}  // namespace

double measurePeakGflops(int threads, double seconds) {
    if (kLanes == 0) return 0.0;
    ThreadPool pool(threads);
    // Calibrate on one thread, then time every thread at once.
    long steps = 1 << 16;
    for (;;) {
        const auto t = std::chrono::steady_clock::now();
        volatile float sink = chains(steps);
        (void)sink;
        if (std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count() > seconds / 4) break;
        steps *= 2;
    }
    std::atomic<float> sink{0.0f};
    const auto start = std::chrono::steady_clock::now();
    pool.run([&](int, int) { sink.store(chains(steps), std::memory_order_relaxed); });
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double flops = 2.0 * kLanes * kChains * static_cast<double>(steps) * pool.size();
    return flops / elapsed / 1e9;
}

}  // namespace bertlens::cli
