#version 430
// x[offset + r·ld + c] = value for r < rows, c < cols (a masked head's columns of the
// attention output).
layout(local_size_x = 256) in;

layout(std430, binding = 0) writeonly buffer XBuffer { float x[]; };

uniform int rows, cols, offset, ld;
uniform float value;

void main() {
    const int total = rows * cols;
    const int stride = int(gl_NumWorkGroups.x) * 256;
    for (int e = int(gl_GlobalInvocationID.x); e < total; e += stride)
        x[offset + (e / cols) * ld + e % cols] = value;
}
