#version 330 core
// One instanced quad per node, in logical pixels around the node's screen position; the
// fragment shader cuts the disc, its outline and its halo out of it.

layout(location = 0) in vec2 corner;        // quad corner in [-1, 1]^2
layout(location = 1) in vec2 center;        // layout units
layout(location = 2) in vec4 shape;         // radius and halo width (× nodeRadius), outline px
layout(location = 3) in vec4 fillColor;
layout(location = 4) in vec4 outlineColor;
layout(location = 5) in vec4 haloColor;

uniform vec2 viewCenter;   // layout units at the middle of the viewport
uniform float viewScale;   // logical px per layout unit
uniform vec2 viewport;     // logical px
uniform float pixel;       // logical px per device pixel (antialiasing width)
uniform float nodeRadius;  // logical px of a radius factor 1

out vec2 offsetPx;
flat out vec4 shapePx;
flat out vec4 fill;
flat out vec4 outline;
flat out vec4 halo;

void main() {
    // shape: x radius factor, y outline width px, z halo width factor
    vec4 px = vec4(shape.x * nodeRadius, shape.y, shape.z * nodeRadius, 0.0);
    // Coverage of disc and halo is zero half a device pixel beyond them (node.frag): no
    // margin past that, which for many small nodes would be mostly overdraw.
    float extent = px.x + px.z + 0.5 * pixel;
    vec2 screen = (center - viewCenter) * vec2(viewScale, -viewScale) + 0.5 * viewport;
    offsetPx = corner * extent;
    vec2 p = screen + offsetPx;
    gl_Position = vec4(p.x / viewport.x * 2.0 - 1.0, 1.0 - p.y / viewport.y * 2.0, 0.0, 1.0);
    shapePx = px;
    fill = fillColor;
    outline = outlineColor;
    halo = haloColor;
}
