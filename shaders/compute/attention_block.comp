#version 430
// Blockwise attention without an S×S map, for long sequences. One work group per (tile of 64
// query rows, query head h); each invocation owns one query row i and walks the keys in blocks
// of `keyBlock` rows held in shared memory. Head h reads kv head g = h / (H / KV) (GQA).
//
// Per key block b a row has its own softmax and log-sum-exp over the keys it may see
// (causal: j ≤ i, as the dense path masks; S is the sequence without its trailing pads, so no
// other mask applies):
//   m_b = max_j s_ij,  Σ_b = Σ_j exp(s_ij − m_b),  lse_b = m_b + log Σ_b,
//   o_b = Σ_j exp(s_ij − m_b) / Σ_b · v_j,          s_ij = (q_i · k_j) · scale.
// The running (lse, out) merges with each block by the rule of FlashAttention (Dao et al. 2022,
// §3.1) and ring attention (Liu et al. 2023, §3):
//   lse = max(lse1, lse2) + log1p(exp(−|lse1 − lse2|)),
//   out = exp(lse1 − lse) · out1 + exp(lse2 − lse) · out2,
// so the final out is softmax(q_i Kᵀ · scale) V and lse = log Σ_j exp(s_ij). Memory is the two
// shared tiles per group, O(S) outside them (out and lse).
//
// Layouts: q and out [S, H·d], k and v [S, KV·d] (heads side by side in each row), lse [H, S].
layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer QBuffer { float q[]; };
layout(std430, binding = 1) readonly buffer KBuffer { float k[]; };
layout(std430, binding = 2) readonly buffer VBuffer { float v[]; };
layout(std430, binding = 3) writeonly buffer OutBuffer { float o[]; };
layout(std430, binding = 4) writeonly buffer LseBuffer { float lse[]; };

// keyBlock ≤ kMaxKeyBlock and keyBlock · d ≤ kTileFloats, d ≤ kMaxHeadDim (the host clamps;
// GlKernels.h names the same limits).
const int kMaxHeadDim = 128;
const int kMaxKeyBlock = 64;
const int kTileFloats = 2048;

uniform int S, H, KV, d, keyBlock, causal, writeLse;
uniform float scale;

shared float kTile[kTileFloats];
shared float vTile[kTileFloats];

// log(1 + x) accurate for small x (GLSL has no log1p): with u = 1 + x rounded,
// log1p(x) = log(u) · x / (u − 1) (Goldberg 1991, "What every computer scientist should know
// about floating-point arithmetic", Theorem 4).
float log1pAccurate(float x) {
    const float u = 1.0 + x;
    return u == 1.0 ? x : log(u) * (x / (u - 1.0));
}

void main() {
    const int t = int(gl_LocalInvocationID.x);
    const int h = int(gl_WorkGroupID.y);
    const int g = h / (H / KV);
    const int firstRow = int(gl_WorkGroupID.x) * 64;
    const int i = firstRow + t;
    const bool inSequence = i < S;
    const int lastRow = min(S, firstRow + 64) - 1;
    const int qStride = H * d, kvStride = KV * d;
    const float negInf = uintBitsToFloat(0xff800000u);

    float qi[kMaxHeadDim];
    float acc[kMaxHeadDim];
    float s[kMaxKeyBlock];
    for (int c = 0; c < d; ++c) {
        qi[c] = inSequence ? q[i * qStride + h * d + c] : 0.0;
        acc[c] = 0.0;
    }
    float runningLse = negInf;

    for (int j0 = 0; j0 < S; j0 += keyBlock) {
        // Every key of this block is in the future of every row of the tile (uniform per group).
        if (causal != 0 && j0 > lastRow) break;
        const int bk = min(keyBlock, S - j0);
        for (int e = t; e < bk * d; e += 64) {
            const int at = (j0 + e / d) * kvStride + g * d + e % d;
            kTile[e] = k[at];
            vTile[e] = v[at];
        }
        barrier();
        const int allowed = !inSequence ? 0 : causal != 0 ? min(bk, i - j0 + 1) : bk;
        if (allowed > 0) {
            float m = negInf;
            for (int j = 0; j < allowed; ++j) {
                float dot = 0.0;
                for (int c = 0; c < d; ++c) dot += qi[c] * kTile[j * d + c];
                s[j] = dot * scale;
                m = max(m, s[j]);
            }
            float sum = 0.0;
            for (int j = 0; j < allowed; ++j) {
                s[j] = exp(s[j] - m);
                sum += s[j];
            }
            const float blockLse = m + log(sum);
            const float inv = 1.0 / sum;
            // First block: out = o_b. Later: the merge above, with weights w1, w2 of out1, o_b.
            float w1 = 0.0, w2 = 1.0;
            float merged = blockLse;
            if (runningLse != negInf) {
                merged = max(runningLse, blockLse) + log1pAccurate(exp(-abs(runningLse - blockLse)));
                w1 = exp(runningLse - merged);
                w2 = exp(blockLse - merged);
            }
            for (int c = 0; c < d; ++c) {
                float ob = 0.0;
                for (int j = 0; j < allowed; ++j) ob += s[j] * vTile[j * d + c];
                acc[c] = w1 * acc[c] + w2 * (ob * inv);
            }
            runningLse = merged;
        }
        barrier();
    }

    if (!inSequence) return;
    for (int c = 0; c < d; ++c) o[i * qStride + h * d + c] = acc[c];
    if (writeLse != 0) lse[h * S + i] = runningLse;
}
