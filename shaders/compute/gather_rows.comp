#version 430
// dst[r] = src[index[r]] for rows of `cols` floats (keep-sets: the surviving rows, in order).
layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer SrcBuffer { float src[]; };
layout(std430, binding = 1) readonly buffer IndexBuffer { int rowIndex[]; };
layout(std430, binding = 2) writeonly buffer DstBuffer { float dst[]; };

uniform int rows, cols;

void main() {
    const int total = rows * cols;
    const int stride = int(gl_NumWorkGroups.x) * 256;
    for (int e = int(gl_GlobalInvocationID.x); e < total; e += stride) {
        const int col = e % cols;
        dst[e] = src[rowIndex[e / cols] * cols + col];
    }
}
