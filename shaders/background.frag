#version 330 core
in vec2 v_uv;
out vec4 o_colour;
uniform sampler2D u_frame;
void main() {
    // Uploaded as BGR bytes with GL_BGR, so .rgb is already in the right order.
    o_colour = vec4(texture(u_frame, v_uv).rgb, 1.0);
}
