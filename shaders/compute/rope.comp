#version 430
// Rotary position embedding, HF's half-split form (rotate_half): for each head of a row at
// position p and i < d/2, with θ_i = base^(−2i/d) (RoFormer, Su et al. 2021, eq. 34):
//   (x1, x2) → (x1 cos pθ_i − x2 sin pθ_i, x2 cos pθ_i + x1 sin pθ_i),  x1 = x[i], x2 = x[i + d/2].
// cos/sin come from a table computed in double on the host, as the CPU backend's.
layout(local_size_x = 256) in;

layout(std430, binding = 0) buffer XBuffer { float x[]; };
layout(std430, binding = 1) readonly buffer CosBuffer { float cosines[]; };
layout(std430, binding = 2) readonly buffer SinBuffer { float sines[]; };
layout(std430, binding = 3) readonly buffer PositionBuffer { int positions[]; };

uniform int rows, heads, headDim;

void main() {
    const int half_ = headDim / 2;
    const int total = rows * heads * half_;
    const int stride = int(gl_NumWorkGroups.x) * 256;
    for (int e = int(gl_GlobalInvocationID.x); e < total; e += stride) {
        const int i = e % half_;
        const int h = (e / half_) % heads;
        const int r = e / (half_ * heads);
        const int t = positions[r] * half_ + i;
        const float c = cosines[t], s = sines[t];
        const int at = r * heads * headDim + h * headDim + i;
        const float x1 = x[at], x2 = x[at + half_];
        x[at] = x1 * c - x2 * s;
        x[at + half_] = x2 * c + x1 * s;
    }
}
