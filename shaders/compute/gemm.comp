#version 430
// Batched strided GEMM with shared-memory tiles:
//   C[z][m][n] (=|+=) scale[n] * (alpha * Σ_k A[z][m][k] · B[z][k][n] + bias[n])
// A[z][m][k] = a[offA + z·batchA + m·lda + k]
// B[z][k][n] = b[offB + (z / batchDivB)·batchB + n·ldb + k]   (transB: torch Linear's [out, in])
//            = b[offB + (z / batchDivB)·batchB + k·ldb + n]   (otherwise)
// C[z][m][n] = c[offC + z·batchC + m·ldc + n],  z = gl_WorkGroupID.z + zBase.
// batchDivB > 1 shares one B among consecutive batches: grouped-query attention's kv heads.
// A 64×64 tile of C per work group of 16×16 invocations, 4×4 outputs each; K in steps of 16
// staged through shared memory (the classic tiling, e.g. Kirk & Hwu, "Programming Massively
// Parallel Processors", ch. 5).
layout(local_size_x = 16, local_size_y = 16) in;

layout(std430, binding = 0) readonly buffer ABuffer { float a[]; };
layout(std430, binding = 1) readonly buffer BBuffer { float b[]; };
layout(std430, binding = 2) buffer CBuffer { float c[]; };
layout(std430, binding = 3) readonly buffer BiasBuffer { float bias[]; };
layout(std430, binding = 4) readonly buffer ScaleBuffer { float colScale[]; };

uniform int M, N, K;
uniform int offA, lda, batchA;
uniform int offB, ldb, batchB, batchDivB, transB;
uniform int offC, ldc, batchC;
uniform int zBase;
uniform float alpha;
uniform int hasBias, hasScale, accumulate;

const int TILE = 64;
const int STEP = 16;
shared float tileA[STEP][TILE + 1];
shared float tileB[STEP][TILE + 1];

void main() {
    const int z = int(gl_WorkGroupID.z) + zBase;
    const int m0 = int(gl_WorkGroupID.y) * TILE;
    const int n0 = int(gl_WorkGroupID.x) * TILE;
    const int tx = int(gl_LocalInvocationID.x);
    const int ty = int(gl_LocalInvocationID.y);
    const int tid = ty * 16 + tx;
    const int baseA = offA + z * batchA;
    const int baseB = offB + (z / batchDivB) * batchB;

    float acc[4][4];
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) acc[i][j] = 0.0;

    for (int k0 = 0; k0 < K; k0 += STEP) {
        for (int e = tid; e < TILE * STEP; e += 256) {
            const int row = e / STEP;
            const int kk = e % STEP;
            const int gk = k0 + kk;
            const int gm = m0 + row;
            tileA[kk][row] = (gm < M && gk < K) ? a[baseA + gm * lda + gk] : 0.0;
            const int gn = n0 + row;
            float bv = 0.0;
            if (gn < N && gk < K) bv = transB != 0 ? b[baseB + gn * ldb + gk] : b[baseB + gk * ldb + gn];
            tileB[kk][row] = bv;
        }
        barrier();
        for (int kk = 0; kk < STEP; ++kk) {
            float av[4], bv[4];
            for (int i = 0; i < 4; ++i) av[i] = tileA[kk][ty + 16 * i];
            for (int j = 0; j < 4; ++j) bv[j] = tileB[kk][tx + 16 * j];
            for (int i = 0; i < 4; ++i)
                for (int j = 0; j < 4; ++j) acc[i][j] += av[i] * bv[j];
        }
        barrier();
    }

    const int baseC = offC + z * batchC;
    for (int i = 0; i < 4; ++i) {
        const int m = m0 + ty + 16 * i;
        if (m >= M) continue;
        for (int j = 0; j < 4; ++j) {
            const int n = n0 + tx + 16 * j;
            if (n >= N) continue;
            float v = alpha * acc[i][j];
            if (hasBias != 0) v += bias[n];
            if (hasScale != 0) v *= colScale[n];
            const int at = baseC + m * ldc + n;
            if (accumulate != 0) c[at] += v;
            else c[at] = v;
        }
    }
}
