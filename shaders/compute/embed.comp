#version 430
// GraphGPT's input embedding with stacked tokens (StackedFeatAggregation):
//   x_p = Σ_f E[id_{p,f}]           (sum)
//   x_p = Σ_f g_f ⊙ E[id_{p,f}]      (gated, g = stacked_feat_agg.weight [F, hidden])
// and for stack_method "long" x_p · min(1, 1 / (#non-pad ids + 1e-7)).
layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer EBuffer { float embed[]; };
layout(std430, binding = 1) readonly buffer IdBuffer { int ids[]; };
layout(std430, binding = 2) readonly buffer GateBuffer { float gates[]; };
layout(std430, binding = 3) writeonly buffer XBuffer { float x[]; };

uniform int rows, hidden, width, padId, gated, longMethod;

void main() {
    const int total = rows * hidden;
    const int stride = int(gl_NumWorkGroups.x) * 256;
    for (int e = int(gl_GlobalInvocationID.x); e < total; e += stride) {
        const int col = e % hidden;
        const int r = e / hidden;
        float sum = 0.0;
        int nonPad = 0;
        for (int f = 0; f < width; ++f) {
            const int id = ids[r * width + f];
            if (id != padId) ++nonPad;
            const float v = embed[id * hidden + col];
            sum += gated != 0 ? v * gates[f * hidden + col] : v;
        }
        if (longMethod != 0) sum *= min(1.0, 1.0 / (float(nonPad) + 1e-7));
        x[e] = sum;
    }
}
