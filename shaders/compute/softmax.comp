#version 430
// Row softmax of attention scores in place, one work group per row of [batches, S, S]:
//   p_ij = exp(s_ij − max_j s_ij) / Σ_j exp(s_ij − max_j s_ij)
// Causal: s_ij = −inf for j > i (i, j: row and column within this layer's sequence), as the
// CPU backend masks. With writeScores the masked scores are copied out first (the scores
// capture: scaled q·k, masked entries −inf).
layout(local_size_x = 64) in;

layout(std430, binding = 0) buffer PBuffer { float p[]; };
layout(std430, binding = 1) writeonly buffer ScoresBuffer { float scores[]; };

uniform int rows, S, causal, writeScores;

shared float partial[64];

float reduceMax(float v, int t) {
    partial[t] = v;
    barrier();
    for (int stride = 32; stride > 0; stride >>= 1) {
        if (t < stride) partial[t] = max(partial[t], partial[t + stride]);
        barrier();
    }
    const float r = partial[0];
    barrier();
    return r;
}

float reduceSum(float v, int t) {
    partial[t] = v;
    barrier();
    for (int stride = 32; stride > 0; stride >>= 1) {
        if (t < stride) partial[t] += partial[t + stride];
        barrier();
    }
    const float r = partial[0];
    barrier();
    return r;
}

void main() {
    const int row = int(gl_WorkGroupID.x) + int(gl_WorkGroupID.y) * int(gl_NumWorkGroups.x);
    if (row >= rows) return;
    const int t = int(gl_LocalInvocationID.x);
    const int i = row % S;
    const int base = row * S;
    const int allowed = causal != 0 ? i + 1 : S;
    const float negInf = uintBitsToFloat(0xff800000u);
    if (writeScores != 0)
        for (int j = t; j < S; j += 64) scores[base + j] = j < allowed ? p[base + j] : negInf;
    float m = negInf;
    for (int j = t; j < allowed; j += 64) m = max(m, p[base + j]);
    m = reduceMax(m, t);
    float sum = 0.0;
    for (int j = t; j < allowed; j += 64) {
        const float e = exp(p[base + j] - m);
        p[base + j] = e;
        sum += e;
    }
    sum = reduceSum(sum, t);
    const float inv = 1.0 / sum;
    for (int j = t; j < S; j += 64) p[base + j] = j < allowed ? p[base + j] * inv : 0.0;
}
