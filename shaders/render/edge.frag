#version 330 core
// Antialiased line body; dashes of 60 % on, 40 % off with softened ends.

in vec2 localPx;
flat in vec4 stylePx;
flat in vec4 lineColor;

uniform float pixel;

out vec4 color;

void main() {
    float halfWidth = 0.5 * stylePx.x;
    float cover = clamp((halfWidth - abs(localPx.y)) / pixel + 0.5, 0.0, 1.0);
    float period = stylePx.y;
    if (period > 0.0) {
        float phase = mod(localPx.x, period);
        float on = 0.6 * period;
        cover *= clamp(min(phase, on - phase) / pixel + 0.5, 0.0, 1.0);
    }
    if (cover <= 0.0) discard;
    color = vec4(lineColor.rgb, lineColor.a * cover);
}
