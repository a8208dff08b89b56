#version 330 core
// A simple physically plausible model: Lambert diffuse plus a GGX-like specular lobe from a key
// light and a soft fill, metallic tinting the specular. Colours are linear; output is sRGB.
in vec3 v_pos;
in vec3 v_normal;
in vec2 v_uv;
out vec4 o_colour;
uniform vec4 u_base_colour;
uniform float u_metallic;
uniform float u_roughness;
uniform int u_has_texture;
uniform sampler2D u_texture;
uniform float u_opacity;

vec3 to_linear(vec3 c) { return pow(c, vec3(2.2)); }
vec3 to_srgb(vec3 c) { return pow(clamp(c, 0.0, 1.0), vec3(1.0 / 2.2)); }

float ggx(float nh, float a) {
    float a2 = a * a;
    float d = nh * nh * (a2 - 1.0) + 1.0;
    return a2 / (3.14159 * d * d);
}

void main() {
    vec4 base = u_base_colour;
    if (u_has_texture != 0) {
        vec4 t = texture(u_texture, v_uv);
        base *= vec4(to_linear(t.rgb), t.a);
    }
    vec3 n = normalize(v_normal);
    vec3 v = normalize(-v_pos);
    if (dot(n, v) < 0.0) n = -n;   // two-sided: thin parts and open meshes
    // Camera space: up is -y, towards the viewer is -z.
    vec3 key = normalize(vec3(-0.45, -0.8, -0.5));
    vec3 fill = normalize(vec3(0.6, -0.2, -0.7));
    float rough = clamp(u_roughness, 0.05, 1.0);
    vec3 f0 = mix(vec3(0.04), base.rgb, u_metallic);
    vec3 diffuse = base.rgb * (1.0 - u_metallic);
    vec3 colour = vec3(0.0);
    vec3 dirs[2] = vec3[2](key, fill);
    float power[2] = float[2](2.4, 0.9);
    for (int i = 0; i < 2; i++) {
        vec3 l = dirs[i];
        vec3 h = normalize(l + v);
        float nl = max(dot(n, l), 0.0);
        float nh = max(dot(n, h), 0.0);
        vec3 fres = f0 + (1.0 - f0) * pow(1.0 - max(dot(h, v), 0.0), 5.0);
        vec3 spec = fres * ggx(nh, rough * rough) * 0.25;
        colour += (diffuse / 3.14159 + spec) * nl * power[i];
    }
    // Ambient from a neutral studio: brighter from above.
    float sky = 0.5 + 0.5 * dot(n, vec3(0.0, -1.0, 0.0));
    colour += base.rgb * mix(0.18, 0.38, sky) * (1.0 - 0.5 * u_metallic) + f0 * 0.25 * sky;
    o_colour = vec4(to_srgb(colour), base.a * u_opacity);
}
