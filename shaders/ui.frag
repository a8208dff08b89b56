#version 330 core
// Glyphs sample the coverage atlas; plain rectangles use uv < 0 and take the vertex colour.
in vec2 v_uv;
in vec4 v_colour;
out vec4 o_colour;
uniform sampler2D u_atlas;
void main() {
    float a = v_uv.x < 0.0 ? 1.0 : texture(u_atlas, v_uv).r;
    o_colour = vec4(v_colour.rgb, v_colour.a * a);
}
