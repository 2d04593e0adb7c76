// A small, fully specified pseudo-random generator for the corpus tools.
//
// std::mt19937 is portable but the std distributions are not: their outputs
// differ between standard libraries, so a corpus drawn with them would not be
// reproducible from its seed everywhere. Everything here is defined bit for
// bit: splitmix64 expands (seed, stream) into xoshiro256** state, and below()
// is Lemire's multiply-and-reject bounded draw.
//
// A Random is a plain value: not thread-safe, copy one per thread.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>

namespace bertlens {

class Random {
public:
    // Different streams of one seed are independent sequences (the held-out
    // corpus is stream 1, training stream 0).
    explicit Random(uint64_t seed, uint64_t stream = 0) {
        uint64_t mix = seed ^ (stream * 0xD1B54A32D192ED03ull);
        for (uint64_t& word : m_state) word = splitMix64(mix);
    }

    uint64_t next() {
        const uint64_t result = rotl(m_state[1] * 5, 7) * 9;
        const uint64_t t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }

    // Uniform in [0, n); n must be > 0.
    uint32_t below(uint32_t n) {
        uint64_t product = uint64_t(uint32_t(next() >> 32)) * n;
        auto low = uint32_t(product);
        if (low < n) {
            // Reject the few values that would make small results more likely.
            const uint32_t threshold = uint32_t(-n) % n;
            while (low < threshold) {
                product = uint64_t(uint32_t(next() >> 32)) * n;
                low = uint32_t(product);
            }
        }
        return uint32_t(product >> 32);
    }

    // True with probability percent / 100.
    bool chance(uint32_t percent) { return below(100) < percent; }

    // Uniform in [0, 1), from the top 53 bits of one draw.
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }

    // A standard normal draw (Box-Muller, two uniforms per call, no cached
    // second value, so a draw depends only on the state). The uniforms are
    // exact; the result goes through libm's log, sqrt and cos, so it can
    // differ in the last bit between C libraries, never between runs.
    double normal() {
        const double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586476925 * u2);
    }

    // A uniformly chosen element of an array or std::array.
    template <typename Container>
    const auto& pick(const Container& items) {
        return items[below(static_cast<uint32_t>(std::size(items)))];
    }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    static uint64_t splitMix64(uint64_t& x) {
        uint64_t z = (x += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    uint64_t m_state[4];
};

}  // namespace bertlens
