#version 330 core
// One instanced quad per edge segment, `width` logical px wide, optionally shifted sideways
// (a parallel companion line) and dashed. Drawn with the two-vertex corner buffer {(0,0),(1,0)}
// as GL_LINES, the same instances become one-device-pixel lines (the cheap level of detail).

layout(location = 0) in vec2 corner;   // x: 0 at the source, 1 at the target; y: side in [-1, 1]
layout(location = 1) in vec4 ends;     // source xy, target xy, layout units
layout(location = 2) in vec4 style;    // width px, dash period px (0: solid), offset px, unused
layout(location = 3) in vec4 edgeColor;

uniform vec2 viewCenter;
uniform float viewScale;
uniform vec2 viewport;
uniform float pixel;
// Level of detail: widths and offsets shrink by this while nodes are small, but a width
// never drops below min(width, 1 px) so thin lines stay visible.
uniform float widthScale;

out vec2 localPx;  // x: along the edge from its source, y: across from its centre line
flat out vec4 stylePx;
flat out vec4 lineColor;

void main() {
    vec2 a = (ends.xy - viewCenter) * vec2(viewScale, -viewScale) + 0.5 * viewport;
    vec2 b = (ends.zw - viewCenter) * vec2(viewScale, -viewScale) + 0.5 * viewport;
    vec2 dir = b - a;
    float len = length(dir);
    dir = len > 1e-4 ? dir / len : vec2(1.0, 0.0);
    vec2 normal = vec2(-dir.y, dir.x);
    float width = max(style.x * widthScale, min(style.x, 1.0));
    // The fragment shader's coverage is zero half a device pixel beyond the half width, so
    // the quad ends there: a wider margin is only overdraw.
    float halfExtent = 0.5 * width + 0.5 * pixel;
    vec2 p = mix(a, b, corner.x) + normal * (style.z * widthScale + corner.y * halfExtent);
    gl_Position = vec4(p.x / viewport.x * 2.0 - 1.0, 1.0 - p.y / viewport.y * 2.0, 0.0, 1.0);
    localPx = vec2(corner.x * len, corner.y * halfExtent);
    stylePx = vec4(width, style.yzw);
    lineColor = edgeColor;
}
