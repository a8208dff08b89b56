#version 330 core
// A soft contact shadow: darkest under the footprint, fading out just beyond its edge (the quad
// is drawn larger than the footprint), so the product looks set down, not pasted on. The
// rounded-square distance follows boxy footprints as well as round ones.
in vec2 v_q;
out vec4 o_colour;
uniform float u_strength;
void main() {
    vec2 q = abs(v_q);
    float r = pow(pow(q.x, 4.0) + pow(q.y, 4.0), 0.25);
    float a = u_strength * (1.0 - smoothstep(0.55, 1.0, r));
    o_colour = vec4(0.0, 0.0, 0.0, a);
}
