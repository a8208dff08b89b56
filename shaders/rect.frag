#version 330 core
// The overlay's plain rectangles and lines: the vertex colour (no texture sampled).
in vec2 v_uv;
in vec4 v_colour;
out vec4 o_colour;
void main() {
    o_colour = v_colour;
}
