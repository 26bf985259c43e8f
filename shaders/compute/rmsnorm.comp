#version 430
// RMSNorm (HF LlamaRMSNorm): y = x / sqrt(mean(x²) + eps) * w, one work group per row.
layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer XBuffer { float x[]; };
layout(std430, binding = 1) readonly buffer WBuffer { float w[]; };
layout(std430, binding = 2) writeonly buffer YBuffer { float y[]; };

uniform int rows, cols;
uniform float eps;

shared float partial[64];

void main() {
    const int row = int(gl_WorkGroupID.x) + int(gl_WorkGroupID.y) * int(gl_NumWorkGroups.x);
    if (row >= rows) return;
    const int t = int(gl_LocalInvocationID.x);
    const int base = row * cols;
    float sum = 0.0;
    for (int col = t; col < cols; col += 64) sum += x[base + col] * x[base + col];
    partial[t] = sum;
    barrier();
    for (int stride = 32; stride > 0; stride >>= 1) {
        if (t < stride) partial[t] += partial[t + stride];
        barrier();
    }
    const float scale = 1.0 / sqrt(partial[0] / float(cols) + eps);
    for (int col = t; col < cols; col += 64) y[base + col] = (x[base + col] * scale) * w[col];
}
