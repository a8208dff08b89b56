#version 330 core
// Positions arrive in model space; u_mv takes them to OpenCV camera space (x right, y down,
// z forward, metres) and u_proj from there to clip space (built from the camera intrinsics).
layout(location = 0) in vec3 a_pos;
layout(location = 1) in vec3 a_normal;
layout(location = 2) in vec2 a_uv;
layout(location = 3) in vec2 a_uv1;   // the second uv set (the first again where a mesh has one)
uniform mat4 u_mv;
uniform mat4 u_proj;
uniform mat3 u_normal_mat;
out vec3 v_pos;
out vec3 v_normal;
out vec2 v_uv;
out vec2 v_uv1;
// The depth pre-pass runs this shader too: both must land on the very same depths.
invariant gl_Position;
void main() {
    vec4 p = u_mv * vec4(a_pos, 1.0);
    v_pos = p.xyz;
    v_normal = u_normal_mat * a_normal;
    v_uv = a_uv;
    v_uv1 = a_uv1;
    gl_Position = u_proj * p;
}
