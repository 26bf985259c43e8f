#version 330 core
// Disc with an outline and an optional halo ring, antialiased over one device pixel.
// Colours are straight (not premultiplied) alpha.

in vec2 offsetPx;
flat in vec4 shapePx;  // radius, outline width, halo width
flat in vec4 fill;
flat in vec4 outline;
flat in vec4 halo;

uniform float pixel;

out vec4 color;

void main() {
    float d = length(offsetPx);
    float radius = shapePx.x;
    float outlineWidth = shapePx.y;
    float haloWidth = shapePx.z;
    // Coverage of the disc and of its inner (fill) part.
    float disc = clamp((radius - d) / pixel + 0.5, 0.0, 1.0);
    float inner = clamp((radius - outlineWidth - d) / pixel + 0.5, 0.0, 1.0);
    vec4 body = mix(outline, fill, inner);
    body.a *= disc;
    // The halo fades outwards from the disc edge.
    vec4 ring = vec4(0.0);
    if (haloWidth > 0.0) {
        float t = clamp((d - radius) / haloWidth, 0.0, 1.0);
        float cover = clamp((radius + haloWidth - d) / pixel + 0.5, 0.0, 1.0);
        ring = vec4(halo.rgb, halo.a * (1.0 - 0.6 * t) * cover);
    }
    // body over ring
    float a = body.a + ring.a * (1.0 - body.a);
    if (a <= 0.0) discard;
    vec3 rgb = (body.rgb * body.a + ring.rgb * ring.a * (1.0 - body.a)) / a;
    color = vec4(rgb, a);
}
