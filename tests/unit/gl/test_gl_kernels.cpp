// Every compute kernel of the GPU backend against a straightforward CPU computation (the idea of
// ggml's test-backend-ops), on shapes that are not multiples of the kernels' tiles and group
// sizes. CPU references are plain loops in double.

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#ifdef GTS_HAVE_GL
#include "backend/gl/GlDevice.h"
#include "backend/gl/GlKernels.h"
#endif

namespace {

#ifndef GTS_HAVE_GL
TEST(GlKernels, Skipped) { GTEST_SKIP() << "built without the GPU backend (GTS_WITH_GL off or EGL missing)"; }
#else
using namespace gts::backend::gl;
using gts::model::Activation;

#define REQUIRE_GL()                                                                   \
    if (!GlDevice::instance().available())                                             \
    GTEST_SKIP() << "no OpenGL 4.3 context: " << GlDevice::instance().unavailableReason()

std::vector<float> randomValues(size_t count, unsigned seed, float scale = 1.0f) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-scale, scale);
    std::vector<float> v(count);
    for (float& x : v) x = dist(rng);
    return v;
}

double maxAbsDiff(const std::vector<float>& a, const std::vector<double>& b) {
    EXPECT_EQ(a.size(), b.size());
    double worst = 0.0;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        worst = std::max(worst, std::abs(static_cast<double>(a[i]) - b[i]));
    return worst;
}

TEST(GlKernels, DeviceDescribesItself) {
    REQUIRE_GL();
    EXPECT_FALSE(GlDevice::instance().description().empty());
    EXPECT_GE(GlDevice::instance().limits().maxStorageBlockBytes, int64_t{1} << 24);
}

/// y = x Wᵀ + b, scaled and accumulated into y: the projections and the residual update.
TEST(GlKernels, LinearWithBiasScaleAndAccumulate) {
    REQUIRE_GL();
    const int M = 67, K = 45, N = 130;
    const auto x = randomValues(size_t(M) * K, 1), w = randomValues(size_t(N) * K, 2),
               bias = randomValues(N, 3), scale = randomValues(N, 4), start = randomValues(size_t(M) * N, 5);
    std::vector<float> plain, accumulated;
    GlDevice::instance().run([&] {
        auto& k = Kernels::get();
        Buffer bx = Buffer::of(x, "x"), bw = Buffer::of(w, "w"), bb = Buffer::of(bias, "bias"),
               bs = Buffer::of(scale, "scale"), y(size_t(M) * N * 4, "y"), acc = Buffer::of(start, "acc");
        k.linear(bx, bw, &bb, y, M, K, N);
        k.linear(bx, bw, &bb, acc, M, K, N, &bs, true);
        plain = y.floats(size_t(M) * N);
        accumulated = acc.floats(size_t(M) * N);
    });
    std::vector<double> expectPlain(size_t(M) * N), expectAcc(size_t(M) * N);
    for (int m = 0; m < M; ++m)
        for (int n = 0; n < N; ++n) {
            double s = bias[n];
            for (int kk = 0; kk < K; ++kk) s += double(x[size_t(m) * K + kk]) * w[size_t(n) * K + kk];
            expectPlain[size_t(m) * N + n] = s;
            expectAcc[size_t(m) * N + n] = start[size_t(m) * N + n] + scale[n] * s;
        }
    EXPECT_LT(maxAbsDiff(plain, expectPlain), 1e-5);
    EXPECT_LT(maxAbsDiff(accumulated, expectAcc), 1e-5);
}

/// Batched GEMM as attention uses it: per head h, Q_h K_{h/group}ᵀ (transposed B, grouped
/// batches) and P_h V_{h/group} (B not transposed), heads side by side in row-major rows.
TEST(GlKernels, BatchedGroupedGemm) {
    REQUIRE_GL();
    const int S = 70, d = 12, H = 4, KV = 2, group = H / KV;
    const auto q = randomValues(size_t(S) * H * d, 6), kv = randomValues(size_t(S) * KV * d, 7);
    std::vector<float> scores, out;
    GlDevice::instance().run([&] {
        auto& k = Kernels::get();
        Buffer bq = Buffer::of(q, "q"), bk = Buffer::of(kv, "k"), bp(size_t(H) * S * S * 4, "p"),
               bo(size_t(S) * H * d * 4, "o");
        GemmArgs g;
        g.a = &bq, g.b = &bk, g.c = &bp, g.M = S, g.N = S, g.K = d;
        g.lda = H * d, g.batchA = d, g.ldb = KV * d, g.batchB = d, g.batchDivB = group;
        g.ldc = S, g.batchC = S * S, g.batches = H, g.alpha = 0.5f;
        k.gemm(g);
        GemmArgs pv;
        pv.a = &bp, pv.b = &bk, pv.c = &bo, pv.M = S, pv.N = d, pv.K = S;
        pv.lda = S, pv.batchA = S * S, pv.ldb = KV * d, pv.batchB = d, pv.batchDivB = group, pv.transB = false;
        pv.ldc = H * d, pv.batchC = d, pv.batches = H;
        k.gemm(pv);
        scores = bp.floats(size_t(H) * S * S);
        out = bo.floats(size_t(S) * H * d);
    });
    std::vector<double> expectScores(size_t(H) * S * S), expectOut(size_t(S) * H * d);
    for (int h = 0; h < H; ++h) {
        const int g = h / group;
        for (int i = 0; i < S; ++i)
            for (int j = 0; j < S; ++j) {
                double s = 0;
                for (int c = 0; c < d; ++c) s += double(q[size_t(i) * H * d + h * d + c]) * kv[size_t(j) * KV * d + g * d + c];
                expectScores[(size_t(h) * S + i) * S + j] = 0.5 * s;
            }
        for (int i = 0; i < S; ++i)
            for (int c = 0; c < d; ++c) {
                double s = 0;
                for (int j = 0; j < S; ++j)
                    s += double(scores[(size_t(h) * S + i) * S + j]) * kv[size_t(j) * KV * d + g * d + c];
                expectOut[size_t(i) * H * d + h * d + c] = s;
            }
    }
    EXPECT_LT(maxAbsDiff(scores, expectScores), 1e-5);
    EXPECT_LT(maxAbsDiff(out, expectOut), 1e-4);
}

TEST(GlKernels, RmsNorm) {
    REQUIRE_GL();
    const int rows = 9, cols = 150;
    const auto x = randomValues(size_t(rows) * cols, 8, 3.0f), w = randomValues(cols, 9);
    const float eps = 1e-5f;
    std::vector<float> y;
    GlDevice::instance().run([&] {
        Buffer bx = Buffer::of(x, "x"), bw = Buffer::of(w, "w"), by(x.size() * 4, "y");
        Kernels::get().rmsNorm(bx, bw, by, rows, cols, eps);
        y = by.floats(x.size());
    });
    std::vector<double> expect(x.size());
    for (int r = 0; r < rows; ++r) {
        double ms = 0;
        for (int c = 0; c < cols; ++c) ms += double(x[size_t(r) * cols + c]) * x[size_t(r) * cols + c];
        const double scale = 1.0 / std::sqrt(ms / cols + eps);
        for (int c = 0; c < cols; ++c) expect[size_t(r) * cols + c] = x[size_t(r) * cols + c] * scale * w[c];
    }
    EXPECT_LT(maxAbsDiff(y, expect), 1e-5);
}

TEST(GlKernels, RopeHalfSplit) {
    REQUIRE_GL();
    const int rows = 5, heads = 3, d = 8, half = d / 2;
    const std::vector<int32_t> positions{0, 2, 3, 7, 11};
    const auto x = randomValues(size_t(rows) * heads * d, 10);
    std::vector<float> cosines(12 * half), sines(12 * half);
    for (int p = 0; p < 12; ++p)
        for (int i = 0; i < half; ++i) {
            const double angle = p * std::pow(10000.0, -2.0 * i / d);
            cosines[size_t(p) * half + i] = float(std::cos(angle));
            sines[size_t(p) * half + i] = float(std::sin(angle));
        }
    std::vector<float> y;
    GlDevice::instance().run([&] {
        Buffer bx = Buffer::of(x, "x"), bc = Buffer::of(cosines, "cos"), bs = Buffer::of(sines, "sin"),
               bp = Buffer::of(positions, "positions");
        Kernels::get().rope(bx, bc, bs, bp, rows, heads, d);
        y = bx.floats(x.size());
    });
    std::vector<double> expect(x.size());
    for (int r = 0; r < rows; ++r)
        for (int h = 0; h < heads; ++h)
            for (int i = 0; i < half; ++i) {
                const double angle = positions[r] * std::pow(10000.0, -2.0 * i / d);
                const size_t at = size_t(r) * heads * d + h * d + i;
                expect[at] = x[at] * std::cos(angle) - x[at + half] * std::sin(angle);
                expect[at + half] = x[at + half] * std::cos(angle) + x[at] * std::sin(angle);
            }
    EXPECT_LT(maxAbsDiff(y, expect), 1e-6);
}

TEST(GlKernels, Activations) {
    REQUIRE_GL();
    const auto x = randomValues(1000, 11, 6.0f), up = randomValues(1000, 12);
    auto reference = [](double v, Activation a) {
        switch (a) {
        case Activation::Gelu: return 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0)));
        case Activation::GeluTanh: return 0.5 * v * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (v + 0.044715 * v * v * v)));
        case Activation::Silu: return v / (1.0 + std::exp(-v));
        case Activation::Relu: return std::max(v, 0.0);
        }
        return 0.0;
    };
    for (Activation a : {Activation::Gelu, Activation::GeluTanh, Activation::Silu, Activation::Relu}) {
        std::vector<float> plain, gated;
        GlDevice::instance().run([&] {
            Buffer b1 = Buffer::of(x, "x"), b2 = Buffer::of(x, "x"), bu = Buffer::of(up, "up");
            Kernels::get().activate(b1, nullptr, 1000, a);
            Kernels::get().activate(b2, &bu, 1000, a);
            plain = b1.floats(1000);
            gated = b2.floats(1000);
        });
        std::vector<double> expectPlain(1000), expectGated(1000);
        for (size_t i = 0; i < 1000; ++i) {
            expectPlain[i] = reference(x[i], a);
            expectGated[i] = expectPlain[i] * up[i];
        }
        EXPECT_LT(maxAbsDiff(plain, expectPlain), 2e-6) << gts::model::activationName(a);
        EXPECT_LT(maxAbsDiff(gated, expectGated), 2e-6) << gts::model::activationName(a);
    }
}

TEST(GlKernels, SoftmaxCausalWithScores) {
    REQUIRE_GL();
    const int heads = 3, S = 77;
    const auto s = randomValues(size_t(heads) * S * S, 13, 4.0f);
    for (bool causal : {false, true}) {
        std::vector<float> p, scores;
        GlDevice::instance().run([&] {
            Buffer bp = Buffer::of(s, "p"), bs(s.size() * 4, "scores");
            Kernels::get().softmax(bp, &bs, heads * S, S, causal);
            p = bp.floats(s.size());
            scores = bs.floats(s.size());
        });
        std::vector<double> expect(s.size());
        for (int r = 0; r < heads * S; ++r) {
            const int i = r % S, allowed = causal ? i + 1 : S;
            double m = -INFINITY, sum = 0;
            for (int j = 0; j < allowed; ++j) m = std::max(m, double(s[size_t(r) * S + j]));
            for (int j = 0; j < allowed; ++j) sum += std::exp(s[size_t(r) * S + j] - m);
            for (int j = 0; j < S; ++j) {
                expect[size_t(r) * S + j] = j < allowed ? std::exp(s[size_t(r) * S + j] - m) / sum : 0.0;
                const float sc = scores[size_t(r) * S + j];
                if (j < allowed) EXPECT_EQ(sc, s[size_t(r) * S + j]);
                else EXPECT_TRUE(std::isinf(sc) && sc < 0) << r << "," << j;
            }
        }
        EXPECT_LT(maxAbsDiff(p, expect), 1e-6) << (causal ? "causal" : "bidirectional");
    }
}

TEST(GlKernels, EmbedGatedLong) {
    REQUIRE_GL();
    const int vocab = 20, hidden = 33, width = 3, rows = 6, pad = 0;
    const auto table = randomValues(size_t(vocab) * hidden, 14), gates = randomValues(size_t(width) * hidden, 15);
    const std::vector<int32_t> ids{5, 0, 0, 3, 4, 0, 7, 8, 9, 0, 0, 0, 1, 2, 3, 19, 0, 4};
    for (bool gatedMode : {false, true})
        for (bool longMode : {false, true}) {
            std::vector<float> x;
            GlDevice::instance().run([&] {
                Buffer bt = Buffer::of(table, "E"), bi = Buffer::of(ids, "ids"), bg = Buffer::of(gates, "g"),
                       bx(size_t(rows) * hidden * 4, "x");
                Kernels::get().embed(bt, bi, gatedMode ? &bg : nullptr, bx, rows, hidden, width, pad, longMode);
                x = bx.floats(size_t(rows) * hidden);
            });
            std::vector<double> expect(size_t(rows) * hidden);
            for (int r = 0; r < rows; ++r) {
                int nonPad = 0;
                for (int f = 0; f < width; ++f) nonPad += ids[size_t(r) * width + f] != pad;
                const double ratio = longMode ? std::min(1.0, 1.0 / (nonPad + 1e-7)) : 1.0;
                for (int c = 0; c < hidden; ++c) {
                    double sum = 0;
                    for (int f = 0; f < width; ++f)
                        sum += double(table[size_t(ids[size_t(r) * width + f]) * hidden + c]) *
                               (gatedMode ? gates[size_t(f) * hidden + c] : 1.0f);
                    expect[size_t(r) * hidden + c] = sum * ratio;
                }
            }
            EXPECT_LT(maxAbsDiff(x, expect), 1e-6) << gatedMode << longMode;
        }
}

TEST(GlKernels, GatherRowsAndFillBlock) {
    REQUIRE_GL();
    const int rows = 7, cols = 10;
    const auto x = randomValues(size_t(rows) * cols, 16);
    const std::vector<int32_t> keep{0, 3, 6};
    std::vector<float> gathered, filled;
    GlDevice::instance().run([&] {
        Buffer bx = Buffer::of(x, "x"), bi = Buffer::of(keep, "index"), by(keep.size() * cols * 4, "y");
        Kernels::get().gatherRows(bx, bi, by, 3, cols);
        gathered = by.floats(keep.size() * cols);
        Kernels::get().fillBlock(bx, rows, 4, 2, cols, 0.0f);
        filled = bx.floats(x.size());
    });
    std::vector<double> expectGathered, expectFilled(x.begin(), x.end());
    for (int32_t r : keep)
        for (int c = 0; c < cols; ++c) expectGathered.push_back(x[size_t(r) * cols + c]);
    for (int r = 0; r < rows; ++r)
        for (int c = 2; c < 6; ++c) expectFilled[size_t(r) * cols + c] = 0.0;
    EXPECT_EQ(maxAbsDiff(gathered, expectGathered), 0.0);
    EXPECT_EQ(maxAbsDiff(filled, expectFilled), 0.0);
}

TEST(GlKernels, OversizedBufferIsRefusedClearly) {
    REQUIRE_GL();
    const auto limit = static_cast<size_t>(GlDevice::instance().limits().maxStorageBlockBytes);
    GlDevice::instance().run([&] {
        try {
            Buffer huge(limit + 4096, "the test's buffer");
            FAIL() << "no error";
        } catch (const GpuUnsupported& e) {
            EXPECT_NE(std::string(e.what()).find("the test's buffer"), std::string::npos) << e.what();
        }
    });
}

TEST(GlKernels, ErrorsOnTheDeviceThreadReachTheCaller) {
    REQUIRE_GL();
    EXPECT_THROW(GlDevice::instance().run([] { throw std::invalid_argument("from the device thread"); }),
                 std::invalid_argument);
}
#endif

}  // namespace
