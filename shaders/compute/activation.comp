#version 430
// Activations (HF ACT2FN), in place on `a`; gated: a = act(a) ⊙ up (the gated MLP,
// down(act(gate(x)) ⊙ up(x))).
//   0 gelu       x Φ(x) = 0.5 x (1 + erf(x / √2))
//   1 gelu tanh  0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))
//   2 silu       x σ(x) = x / (1 + e^−x)
//   3 relu       max(x, 0)
// GLSL has no erf: Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7) on |x|, odd extension.
layout(local_size_x = 256) in;

layout(std430, binding = 0) buffer ABuffer { float a[]; };
layout(std430, binding = 1) readonly buffer UpBuffer { float up[]; };

uniform int count, activation, gated;

float erfApprox(float x) {
    const float t = 1.0 / (1.0 + 0.3275911 * abs(x));
    const float poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    const float y = 1.0 - poly * exp(-x * x);
    return x < 0.0 ? -y : y;
}

float activate(float x) {
    if (activation == 0) return 0.5 * x * (1.0 + erfApprox(x * 0.70710678118654752));
    if (activation == 1) {
        const float k = 0.79788456080286536;  // √(2/π)
        return 0.5 * x * (1.0 + tanh(k * (x + 0.044715 * x * x * x)));
    }
    if (activation == 2) return x / (1.0 + exp(-x));
    return max(x, 0.0);
}

void main() {
    const int stride = int(gl_NumWorkGroups.x) * 256;
    for (int e = int(gl_GlobalInvocationID.x); e < count; e += stride) {
        const float v = activate(a[e]);
        a[e] = gated != 0 ? v * up[e] : v;
    }
}
