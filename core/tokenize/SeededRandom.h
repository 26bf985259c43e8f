#pragma once
// The tokenizer's random choices, reproducible on every platform: std::mt19937_64 is fully
// specified by the standard, but std::uniform_int_distribution and std::shuffle are not (their
// draws differ between libstdc++, libc++ and MSVC), so the draws below are our own.

#include <cstdint>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

namespace gts {

class SeededRandom {
public:
    explicit SeededRandom(uint64_t seed) : engine_(seed) {}

    /// Uniform in [0, n) by rejection: 64-bit draws at or above the largest multiple of n are
    /// drawn again, the rest are taken modulo n (exactly uniform). n must be > 0.
    uint64_t below(uint64_t n) {
        if (n == 0) throw std::invalid_argument("SeededRandom::below(0)");
        const uint64_t limit = UINT64_MAX - (UINT64_MAX % n + 1) % n;  // largest multiple - 1
        uint64_t x = engine_();
        while (x > limit) x = engine_();
        return x % n;
    }

    /// True with probability 1/2: the top bit of one draw.
    bool coin() { return (engine_() >> 63) != 0; }

    /// Fisher–Yates from the back: for i = n-1 down to 1, swap item i with item below(i + 1).
    template <typename T>
    void shuffle(std::vector<T>& items) {
        for (size_t i = items.size(); i > 1; --i) {
            const size_t j = size_t(below(i));
            if (j != i - 1) std::swap(items[i - 1], items[j]);
        }
    }

private:
    std::mt19937_64 engine_;
};

}  // namespace gts
