#version 330 core
// A quad on the marker plane (model y = 0) under the product; a_pos is in model metres.
layout(location = 0) in vec2 a_corner;   // -1..1
uniform mat4 u_mv;
uniform mat4 u_proj;
uniform vec4 u_rect;                     // centre x, z and half sizes x, z (model metres)
out vec2 v_q;
void main() {
    v_q = a_corner;
    vec3 p = vec3(u_rect.x + a_corner.x * u_rect.z, 0.0, u_rect.y + a_corner.y * u_rect.w);
    gl_Position = u_proj * (u_mv * vec4(p, 1.0));
}
