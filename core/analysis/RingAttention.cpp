#include "analysis/RingAttention.h"

#include <Eigen/Dense>
#include <algorithm>
#include <barrier>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>

namespace gts::analysis {

namespace {

using Clock = std::chrono::steady_clock;
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMatrix>;
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

std::string shapeText(const Tensor& t) {
    std::string s = "[";
    for (size_t i = 0; i < t.shape().size(); ++i) s += (i ? ", " : "") + std::to_string(t.shape()[i]);
    return s + "]";
}

struct Shape {
    int H = 0, KV = 0, d = 0;
    int64_t S = 0;
};

Shape checkCapture(const model::LayerCapture& layer) {
    const Tensor &q = layer.queries, &k = layer.keys, &v = layer.values;
    if (q.rank() != 3 || k.rank() != 3 || v.rank() != 3)
        throw std::invalid_argument("layer " + std::to_string(layer.layer) +
                                    " has no captured queries, keys and values (run with captureKeys and "
                                    "captureValues)");
    Shape s{int(q.dim(0)), int(k.dim(0)), int(q.dim(2)), q.dim(1)};
    if (k.shape() != v.shape() || k.dim(1) != s.S || k.dim(2) != s.d || s.KV <= 0 || s.H % s.KV != 0)
        throw std::invalid_argument("layer " + std::to_string(layer.layer) + ": queries " + shapeText(q) +
                                    ", keys " + shapeText(k) + " and values " + shapeText(v) + " do not fit");
    return s;
}

/// One simulated device: its query rows, two key/value buffers (the block it computes on and
/// the one arriving), its running output and log-sum-exp.
struct Device {
    int64_t first = 0, rows = 0;
    std::vector<float> kv[2];  // [KV][rows][d] keys, then [KV][rows][d] values
    int block[2] = {0, 0};
    int64_t blockRows[2] = {0, 0};
    std::vector<float> out;  // [H][rows][d]
    std::vector<float> lse;  // [H][rows]
    std::vector<RingEvent> events;
    std::vector<RingEvent> sendEvents;
};

double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

}  // namespace

RingResult ringAttention(const model::LayerCapture& layer, const RingOptions& options) {
    const Shape sh = checkCapture(layer);
    const int N = options.workers;
    if (N < 1 || N > kMaxRingWorkers || N > sh.S)
        throw std::invalid_argument("ring attention over " + std::to_string(sh.S) + " positions takes 1 to " +
                                    std::to_string(std::min<int64_t>(kMaxRingWorkers, sh.S)) + " devices, not " +
                                    std::to_string(N));
    if (!(options.linkGBps >= 0) || !std::isfinite(options.linkGBps))
        throw std::invalid_argument("the link bandwidth must be a non-negative number of GB/s");
    const int H = sh.H, KV = sh.KV, d = sh.d, group = sh.H / sh.KV;
    const int64_t S = sh.S;
    const float scale = 1.0f / std::sqrt(float(d));

    RingResult result;
    result.workers = N;
    result.heads = H;
    result.headDim = d;
    result.positions = S;
    result.blockStart.resize(size_t(N) + 1);
    for (int w = 0; w <= N; ++w) result.blockStart[size_t(w)] = S * w / N;
    int64_t maxRows = 0;
    for (int w = 0; w < N; ++w) maxRows = std::max(maxRows, result.blockStart[size_t(w) + 1] - result.blockStart[size_t(w)]);

    const size_t kvFloats = size_t(KV) * size_t(maxRows) * size_t(d);
    std::vector<Device> devices(static_cast<size_t>(N));
    for (int w = 0; w < N; ++w) {
        Device& dev = devices[size_t(w)];
        dev.first = result.blockStart[size_t(w)];
        dev.rows = result.blockStart[size_t(w) + 1] - dev.first;
        for (auto& buffer : dev.kv) buffer.assign(2 * kvFloats, 0.0f);
        // Device w starts with its own block.
        for (int g = 0; g < KV; ++g) {
            const size_t from = (size_t(g) * size_t(S) + size_t(dev.first)) * size_t(d);
            const size_t to = size_t(g) * size_t(maxRows) * size_t(d);
            std::memcpy(dev.kv[0].data() + to, layer.keys.data() + from, size_t(dev.rows) * d * sizeof(float));
            std::memcpy(dev.kv[0].data() + kvFloats + to, layer.values.data() + from,
                        size_t(dev.rows) * d * sizeof(float));
        }
        dev.block[0] = w;
        dev.blockRows[0] = dev.rows;
        dev.out.assign(size_t(H) * size_t(dev.rows) * size_t(d), 0.0f);
        dev.lse.assign(size_t(H) * size_t(dev.rows), kNegInf);
    }
    const int64_t blockBytes = int64_t(2 * kvFloats * sizeof(float));
    result.peakBytesPerDevice = int64_t(sizeof(float)) * (int64_t(H) * maxRows * d * 2 + int64_t(H) * maxRows) +
                                2 * blockBytes;

    std::barrier sync(N);
    const auto t0 = Clock::now();

    auto send = [&](int w, int step) {
        Device& from = devices[size_t(w)];
        Device& to = devices[size_t((w + 1) % N)];
        const int cur = step % 2, next = 1 - cur;
        const auto started = Clock::now();
        RingEvent e{RingEvent::Kind::Send, w, step, from.block[cur], msSince(t0), 0};
        const int64_t bytes = int64_t(2 * size_t(KV) * size_t(from.blockRows[cur]) * size_t(d) * sizeof(float));
        std::memcpy(to.kv[next].data(), from.kv[cur].data(), 2 * kvFloats * sizeof(float));
        to.block[next] = from.block[cur];
        to.blockRows[next] = from.blockRows[cur];
        if (options.linkGBps > 0)  // as long as the bytes take over the simulated link
            std::this_thread::sleep_until(started + std::chrono::duration_cast<Clock::duration>(
                                                        std::chrono::duration<double>(double(bytes) / (options.linkGBps * 1e9))));
        e.endMs = msSince(t0);
        from.sendEvents.push_back(e);  // the sender's own list: compute may run beside it
    };

    auto compute = [&](int w, int step) {
        Device& dev = devices[size_t(w)];
        const int cur = step % 2;
        const int j = dev.block[cur];
        const int64_t keyFirst = result.blockStart[size_t(j)], keyRows = dev.blockRows[cur];
        RingEvent e{RingEvent::Kind::Compute, w, step, j, msSince(t0), 0};
        if (options.causal && keyFirst > dev.first + dev.rows - 1) {
            // Every key of the block comes after every query of this device.
            e.kind = RingEvent::Kind::Idle;
            e.endMs = e.startMs;
            dev.events.push_back(e);
            return;
        }
        RowMatrix scores(dev.rows, keyRows), blockOut(dev.rows, d);
        for (int h = 0; h < H; ++h) {
            const int g = h / group;
            const ConstMap Q(layer.queries.data() + (size_t(h) * size_t(S) + size_t(dev.first)) * size_t(d), dev.rows, d);
            const ConstMap K(dev.kv[cur].data() + size_t(g) * size_t(maxRows) * size_t(d), keyRows, d);
            const ConstMap V(dev.kv[cur].data() + kvFloats + size_t(g) * size_t(maxRows) * size_t(d), keyRows, d);
            scores.noalias() = (Q * K.transpose()) * scale;
            float* out = dev.out.data() + size_t(h) * size_t(dev.rows) * size_t(d);
            float* lse = dev.lse.data() + size_t(h) * size_t(dev.rows);
            for (int64_t r = 0; r < dev.rows; ++r) {
                auto row = scores.row(r).array();
                if (options.causal) {
                    const int64_t allowed = dev.first + r - keyFirst + 1;  // keys keyFirst … query
                    if (allowed < keyRows) row.tail(keyRows - std::max<int64_t>(allowed, 0)).setConstant(kNegInf);
                }
                const float m = row.maxCoeff();
                if (m == kNegInf) {
                    row.setZero();
                    continue;
                }
                row = (row - m).exp();
                const float sum = row.sum();
                row /= sum;
                const float blockLse = m + std::log(sum);
                const float running = lse[r];
                float wOld = 0.0f, wNew = 1.0f, merged = blockLse;
                if (running != kNegInf) {
                    merged = std::max(running, blockLse) + std::log1p(std::exp(-std::abs(running - blockLse)));
                    wOld = std::exp(running - merged);
                    wNew = std::exp(blockLse - merged);
                }
                Eigen::Map<Eigen::RowVectorXf> acc(out + size_t(r) * size_t(d), d);
                acc = wOld * acc + wNew * (scores.row(r) * V);
                lse[r] = merged;
            }
        }
        e.endMs = msSince(t0);
        dev.events.push_back(e);
    };

    auto device = [&](int w) {
        for (int step = 0; step < N; ++step) {
            const bool sends = step + 1 < N;  // the last block needs no further trip
            if (options.overlap && sends) {
                std::thread sender(send, w, step);
                compute(w, step);
                sender.join();
            } else {
                compute(w, step);
                if (sends) send(w, step);
            }
            const double busyUntil = msSince(t0);
            sync.arrive_and_wait();  // every block has arrived before anyone reads it
            devices[size_t(w)].events.push_back({RingEvent::Kind::Wait, w, step, -1, busyUntil, msSince(t0)});
        }
    };
    {
        std::vector<std::thread> threads;
        threads.reserve(size_t(N));
        for (int w = 0; w < N; ++w) threads.emplace_back(device, w);
        for (auto& t : threads) t.join();
    }
    result.totalMs = msSince(t0);

    result.out = Tensor({int64_t(H), S, int64_t(d)});
    result.lse = Tensor({int64_t(H), S});
    for (const Device& dev : devices) {
        for (int h = 0; h < H; ++h) {
            std::memcpy(result.out.mutableData() + (size_t(h) * size_t(S) + size_t(dev.first)) * size_t(d),
                        dev.out.data() + size_t(h) * size_t(dev.rows) * size_t(d), size_t(dev.rows) * d * sizeof(float));
            std::memcpy(result.lse.mutableData() + size_t(h) * size_t(S) + size_t(dev.first),
                        dev.lse.data() + size_t(h) * size_t(dev.rows), size_t(dev.rows) * sizeof(float));
        }
        result.events.insert(result.events.end(), dev.events.begin(), dev.events.end());
        result.events.insert(result.events.end(), dev.sendEvents.begin(), dev.sendEvents.end());
        for (const RingEvent& e : dev.sendEvents)
                result.bytesSent += int64_t(2 * size_t(KV) *
                                            size_t(result.blockStart[size_t(e.block) + 1] - result.blockStart[size_t(e.block)]) *
                                            size_t(d) * sizeof(float));
    }
    return result;
}

Tensor denseAttentionOutput(const model::LayerCapture& layer, bool causal) {
    const Shape sh = checkCapture(layer);
    const int group = sh.H / sh.KV;
    const int64_t S = sh.S;
    const int d = sh.d;
    const double scale = 1.0 / std::sqrt(double(d));
    Tensor out({int64_t(sh.H), S, int64_t(d)});
    std::vector<double> s(static_cast<size_t>(S)), acc(static_cast<size_t>(d));
    for (int h = 0; h < sh.H; ++h) {
        const int g = h / group;
        const float* Q = layer.queries.data() + size_t(h) * size_t(S) * size_t(d);
        const float* K = layer.keys.data() + size_t(g) * size_t(S) * size_t(d);
        const float* V = layer.values.data() + size_t(g) * size_t(S) * size_t(d);
        for (int64_t i = 0; i < S; ++i) {
            const int64_t allowed = causal ? i + 1 : S;
            double m = -std::numeric_limits<double>::infinity();
            for (int64_t j = 0; j < allowed; ++j) {
                double dot = 0;
                for (int c = 0; c < d; ++c) dot += double(Q[i * d + c]) * K[j * d + c];
                s[size_t(j)] = dot * scale;
                m = std::max(m, s[size_t(j)]);
            }
            double sum = 0;
            for (int64_t j = 0; j < allowed; ++j) sum += (s[size_t(j)] = std::exp(s[size_t(j)] - m));
            std::fill(acc.begin(), acc.end(), 0.0);
            for (int64_t j = 0; j < allowed; ++j)
                for (int c = 0; c < d; ++c) acc[size_t(c)] += s[size_t(j)] / sum * V[j * d + c];
            for (int c = 0; c < d; ++c)
                out.mutableData()[(size_t(h) * size_t(S) + size_t(i)) * size_t(d) + size_t(c)] = float(acc[size_t(c)]);
        }
    }
    return out;
}

}  // namespace gts::analysis
