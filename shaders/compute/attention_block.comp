#version 430
// Blockwise attention without an S×S map, for long sequences. One work group per (tile of
// `queryRows` query rows, query head h); the group walks the keys in blocks of `keyBlock` rows,
// with the query tile, the key and value block, the block's scores and the running output all
// in shared memory (no per-invocation arrays: the 64 invocations split each step's items).
// Head h reads kv head g = h / (H / KV) (GQA).
//
// One dispatch covers the keys [keyBegin, keyEnd); the host splits the keys over several
// dispatches and the running (out, lse) carry over in `o` and `lse` between them (the same merge
// as between blocks). Why: Mesa's llvmpipe bounds the iterations of a shader's loop nest
// (65,535, its loop limiter against endless loops) and silently leaves the loop after that, so
// one dispatch over thousands of keys lost its last blocks there (S ≥ 1,800 at d = 64).
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
// so the final out is softmax(q_i Kᵀ · scale) V and lse = log Σ_j exp(s_ij). Memory is the
// shared tiles per group, O(S) outside them (out and lse).
//
// Layouts: q and out [S, H·d], k and v [S, KV·d] (heads side by side in each row), lse [H, S].
layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer QBuffer { float q[]; };
layout(std430, binding = 1) readonly buffer KBuffer { float k[]; };
layout(std430, binding = 2) readonly buffer VBuffer { float v[]; };
layout(std430, binding = 3) buffer OutBuffer { float o[]; };
layout(std430, binding = 4) buffer LseBuffer { float lse[]; };

// The host keeps queryRows ≤ kMaxQueryRows, queryRows · d ≤ kQueryFloats, keyBlock · d ≤
// kKeyFloats and queryRows · keyBlock ≤ kScoreFloats (GlKernels.h names the same limits): 28 KiB
// of shared memory, within GL 4.3's minimum of 32 KiB.
const int kMaxQueryRows = 32;
const int kQueryFloats = 1024;
const int kKeyFloats = 2048;
const int kScoreFloats = 1024;

uniform int S, H, KV, d, queryRows, keyBlock, causal, keyBegin, keyEnd;
uniform float scale;

shared float qTile[kQueryFloats];
shared float accTile[kQueryFloats];
shared float kTile[kKeyFloats];
shared float vTile[kKeyFloats];
shared float sTile[kScoreFloats];
shared float rowLse[kMaxQueryRows];
shared float rowOld[kMaxQueryRows];  // weight of the running output in the merge
shared float rowNew[kMaxQueryRows];  // weight of the block's unnormalized Σ_j exp(s_ij − m_b) v_j

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
    const int firstRow = int(gl_WorkGroupID.x) * queryRows;
    const int rows = min(queryRows, S - firstRow);
    const int lastRow = firstRow + rows - 1;
    const int qStride = H * d, kvStride = KV * d;
    const float negInf = uintBitsToFloat(0xff800000u);

    // The first key range starts from nothing; later ones from what the previous dispatch left.
    for (int e = t; e < rows * d; e += 64) {
        const int at = (firstRow + e / d) * qStride + h * d + e % d;
        qTile[e] = q[at];
        accTile[e] = keyBegin == 0 ? 0.0 : o[at];
    }
    for (int r = t; r < rows; r += 64) rowLse[r] = keyBegin == 0 ? negInf : lse[h * S + firstRow + r];

    for (int j0 = keyBegin; j0 < keyEnd; j0 += keyBlock) {
        // Every key of this block is in the future of every row of the tile (uniform per group).
        if (causal != 0 && j0 > lastRow) break;
        const int bk = min(keyBlock, keyEnd - j0);
        for (int e = t; e < bk * d; e += 64) {
            const int at = (j0 + e / d) * kvStride + g * d + e % d;
            kTile[e] = k[at];
            vTile[e] = v[at];
        }
        barrier();
        // Scores s_ij = (q_i · k_j) · scale; the causal mask leaves j ≤ i.
        for (int e = t; e < rows * bk; e += 64) {
            const int r = e / bk, j = e % bk;
            float dot = 0.0;
            for (int c = 0; c < d; ++c) dot += qTile[r * d + c] * kTile[j * d + c];
            sTile[r * keyBlock + j] = causal != 0 && j0 + j > firstRow + r ? negInf : dot * scale;
        }
        barrier();
        // Per row: the block's softmax weights (unnormalized), its lse, and the merge weights.
        for (int r = t; r < rows; r += 64) {
            float m = negInf;
            for (int j = 0; j < bk; ++j) m = max(m, sTile[r * keyBlock + j]);
            if (m == negInf) {  // no key of this block is visible to the row
                rowOld[r] = 1.0;
                rowNew[r] = 0.0;
                continue;
            }
            float sum = 0.0;
            for (int j = 0; j < bk; ++j) {
                const float w = exp(sTile[r * keyBlock + j] - m);  // exp(−inf) = 0 for masked keys
                sTile[r * keyBlock + j] = w;
                sum += w;
            }
            const float blockLse = m + log(sum);
            const float running = rowLse[r];
            // o_b = (Σ_j w_j v_j) / Σ_b; its merge weight exp(lse_b − lse) folds in 1 / Σ_b.
            if (running == negInf) {
                rowOld[r] = 0.0;
                rowNew[r] = 1.0 / sum;
                rowLse[r] = blockLse;
            } else {
                const float merged = max(running, blockLse) + log1pAccurate(exp(-abs(running - blockLse)));
                rowOld[r] = exp(running - merged);
                rowNew[r] = exp(blockLse - merged) / sum;
                rowLse[r] = merged;
            }
        }
        barrier();
        for (int e = t; e < rows * d; e += 64) {
            const int r = e / d, c = e % d;
            if (rowNew[r] == 0.0) continue;
            float ob = 0.0;
            for (int j = 0; j < bk; ++j) ob += sTile[r * keyBlock + j] * vTile[j * d + c];
            accTile[e] = rowOld[r] * accTile[e] + rowNew[r] * ob;
        }
        barrier();
    }

    for (int e = t; e < rows * d; e += 64) o[(firstRow + e / d) * qStride + h * d + e % d] = accTile[e];
    for (int r = t; r < rows; r += 64) lse[h * S + firstRow + r] = rowLse[r];
}
