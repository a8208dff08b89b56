#version 330 core
// Text: a string's coverage image (Pango's A8 raster in the red channel) tints the vertex colour.
in vec2 v_uv;
in vec4 v_colour;
out vec4 o_colour;
uniform sampler2D u_text;
void main() {
    o_colour = vec4(v_colour.rgb, v_colour.a * texture(u_text, v_uv).r);
}
