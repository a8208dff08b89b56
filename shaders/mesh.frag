#version 330 core
// glTF 2.0 metallic-roughness shading, lit by a neutral studio environment (image-based: a
// prefiltered equirectangular map, sharper mips for smooth surfaces) plus one soft key light for
// a crisp highlight, both scaled and tinted by the room's light where the camera's picture gives
// it; then the file's layers (sheen, clearcoat) and glass. Colour is linear throughout; Khronos
// PBR Neutral tone mapping keeps product colours true up to the highlights, and the output is
// encoded to sRGB exactly.
// Camera space is OpenCV's: x right, y down, z forward (so up is -y, the viewer is towards -z).
in vec3 v_pos;
in vec3 v_normal;
in vec2 v_uv;
in vec2 v_uv1;
out vec4 o_colour;

uniform vec4 u_base_colour;
uniform float u_metallic;
uniform float u_roughness;
uniform vec3 u_emissive;
uniform float u_normal_scale;
uniform float u_occlusion_strength;
uniform vec4 u_specular;         // KHR_materials_specular (and ior): the dielectric f0 over 0.04 (rgb), the weight (a)
uniform vec2 u_specular_maps;    // 1: the weight's map (A) and the colour's (sRGB RGB) are bound
uniform sampler2D u_specular_tex, u_specular_colour_tex;
// Which maps the material has: HAS_TEXTURE (base colour, an sRGB texture: sampled as linear),
// HAS_MR (roughness in G, metallic in B), HAS_NORMAL, HAS_OCCLUSION (R), HAS_EMISSIVE (sRGB),
// each defined 0 or 1 by the renderer, one program per combination; HAS_UV_MAPS 1 where a map
// has a KHR_texture_transform or reads the second uv set (map_uv). Compile-time, not uniform
// ifs: a software rasterizer (llvmpipe) runs both sides of a branch, texture fetches included.
uniform sampler2D u_texture;
uniform sampler2D u_mr_tex;
uniform sampler2D u_normal_tex;
uniform sampler2D u_occlusion_tex;
uniform sampler2D u_emissive_tex;
uniform sampler2D u_env;         // equirectangular studio, grey, mip i = blurrier
uniform float u_env_lods;        // number of mip levels - 1
uniform float u_env_scale;       // the texture holds radiance / u_env_scale (one grey channel)
uniform float u_exposure;
uniform float u_opacity;
uniform mat3 u_world_from_cam;   // camera-space directions to the studio's (+y up, +z to the viewer)
uniform vec3 u_key_cam;          // the key light's direction in camera space (unit)
uniform float u_sh[9];           // the studio's irradiance (see irradiance_sh)
// The room's light relative to the studio's (vt_render_set_room_light): per channel, the factor
// u_room[0] + u_room[1] d.x + u_room[2] d.y for light arriving from camera-space direction d;
// the studio alone is (1, 0, 0), which leaves every value exactly as it was.
uniform vec3 u_room[3];

const float PI = 3.14159265;
#if HAS_ALPHA_MASK
uniform float u_alpha_cutoff;
#endif

// The uvs map k (0 base colour, 1 metallic-roughness, 2 normal, 3 occlusion, 4 emissive) reads.
#if HAS_UV_MAPS
uniform mat3x2 u_uv_xform[5];    // KHR_texture_transform, affine
uniform float u_uv_set[5];       // 0: the first uv set, 1: the second
vec2 map_uv(int k) {
    return u_uv_xform[k] * vec3(mix(v_uv, v_uv1, u_uv_set[k]), 1.0);
}
#else
vec2 map_uv(int k) {
    return v_uv;
}
#endif

vec3 room(vec3 d) {
    return max(u_room[0] + u_room[1] * d.x + u_room[2] * d.y, vec3(0.0));
}

// dir_cam is a unit vector and u_world_from_cam a rotation: d needs no normalize.
vec3 env_sample(vec3 dir_cam, float lod) {
    vec3 d = u_world_from_cam * dir_cam;
    float u = atan(d.x, -d.z) / (2.0 * PI) + 0.5;
    float v = acos(clamp(d.y, -1.0, 1.0)) / PI;
    return vec3(textureLod(u_env, vec2(u, v), lod).r * u_env_scale);
}

// Diffuse irradiance: 9 spherical-harmonic coefficients, cosine-convolved (Ramamoorthi-Hanrahan).
float irradiance_sh(vec3 n_cam) {
    vec3 d = u_world_from_cam * n_cam;   // n_cam is unit, as in env_sample
    float x = d.x, y = d.y, z = d.z;
    return max(0.0, u_sh[0] * 0.282095 + 0.488603 * (u_sh[1] * y + u_sh[2] * z + u_sh[3] * x) +
                    1.092548 * (u_sh[4] * x * y + u_sh[5] * y * z + u_sh[7] * x * z) +
                    0.315392 * u_sh[6] * (3.0 * z * z - 1.0) + 0.546274 * u_sh[8] * (x * x - y * y));
}

// Karis, "Physically Based Shading on Mobile": the split-sum BRDF term without a lookup table.
vec2 env_brdf(float nv, float rough) {
    const vec4 c0 = vec4(-1.0, -0.0275, -0.572, 0.022);
    const vec4 c1 = vec4(1.0, 0.0425, 1.04, -0.04);
    vec4 r = rough * c0 + c1;
    float a004 = min(r.x * r.x, exp2(-9.28 * nv)) * r.x + r.y;
    return vec2(-1.04, 1.04) * a004 + r.zw;
}

float d_ggx(float nh, float a) {
    float a2 = a * a, d = nh * nh * (a2 - 1.0) + 1.0;
    return a2 / (PI * d * d);
}

float v_smith(float nv, float nl, float a) {
    float a2 = a * a;
    float gv = nl * sqrt(nv * nv * (1.0 - a2) + a2), gl = nv * sqrt(nl * nl * (1.0 - a2) + a2);
    return 0.5 / max(gv + gl, 1e-5);
}

// KHR_materials_sheen over the lit base: the base scaled by 1 - max(sheen) E, E the sheen's
// directional albedo (u_sheen_lut, by NdotV and roughness), plus the sheen lit by the room's
// diffuse light (its lobe is broad) and by the key with the Charlie distribution and Neubelt's
// visibility.
#if HAS_SHEEN
uniform vec4 u_sheen;            // colour (linear), roughness
uniform vec2 u_sheen_maps;       // 1: the colour's map (sRGB) and the roughness's (A) are bound
uniform sampler2D u_sheen_lut, u_sheen_tex, u_sheen_rough_tex;
vec3 sheen_layer(vec3 lit, vec3 irr, float nv, float nl, float nh, vec3 key) {
    vec3 c = u_sheen.rgb * (u_sheen_maps.x > 0.5 ? texture(u_sheen_tex, v_uv).rgb : vec3(1.0));
    float rough = u_sheen.a * (u_sheen_maps.y > 0.5 ? texture(u_sheen_rough_tex, v_uv).a : 1.0), alpha = max(rough * rough, 0.01);
    float e = texture(u_sheen_lut, vec2(nv, rough)).r;
    float inv = 1.0 / alpha, s2 = max(1.0 - nh * nh, 1e-6);
    float d = (2.0 + inv) * exp2(0.5 * inv * log2(s2)) / (2.0 * PI);
    float vis = 1.0 / (4.0 * (nl + nv - nl * nv) + 1e-4);
    return lit * (1.0 - max(c.r, max(c.g, c.b)) * e) + c * (e * irr + d * vis * nl * key);
}
#endif

// KHR_materials_clearcoat: a dielectric lacquer (f0 0.04) over everything below, on the
// surface's own normal (ng, before any normal map), with its own roughness.
#if HAS_CLEARCOAT
uniform vec2 u_clearcoat;        // factor, roughness
uniform vec2 u_clearcoat_maps;   // 1: the factor's map (R) and the roughness's (G) are bound
uniform sampler2D u_clearcoat_tex, u_clearcoat_rough_tex;
vec3 clearcoat_layer(vec3 below, vec3 ng, vec3 v, vec3 l, vec3 key) {
    float cc = u_clearcoat.x * (u_clearcoat_maps.x > 0.5 ? texture(u_clearcoat_tex, v_uv).r : 1.0);
    float rough = clamp(u_clearcoat.y * (u_clearcoat_maps.y > 0.5 ? texture(u_clearcoat_rough_tex, v_uv).g : 1.0), 0.04, 1.0);
    float a = rough * rough;
    float nv = clamp(dot(ng, v), 1e-4, 1.0);
    float f = 1.0 - nv, f2 = f * f, fresnel = 0.04 + 0.96 * f2 * f2 * f;
    vec3 r = reflect(-v, ng);
    vec2 ab = env_brdf(nv, rough);
    vec3 ibl = env_sample(r, rough * u_env_lods) * room(r) * (0.04 * ab.x + ab.y);
    vec3 h = normalize(l + v);
    float nl = max(dot(ng, l), 0.0), nh = max(dot(ng, h), 0.0), vh = max(dot(v, h), 0.0);
    float fv = 1.0 - vh, fv2 = fv * fv;
    float spec = (0.04 + 0.96 * fv2 * fv2 * fv) * d_ggx(nh, a) * v_smith(nv, nl, a) * nl;
    return below * (1.0 - cc * fresnel) + cc * (ibl + spec * key);
}
#endif

// KHR_materials_transmission: what lies behind (u_scene: the frame drawn so far, the video and
// the opaque products, sRGB-encoded, framebuffer rows), seen along the view ray refracted into
// the surface (ior) and carried through its thickness (KHR_materials_volume: the factor times
// its map's G), tinted by the base colour and by the volume's attenuation (Beer-Lambert: the
// attenuation colour to the power of the thickness over the attenuation distance).
#if HAS_TRANSMISSION
uniform vec3 u_transmission;     // factor, ior, thickness in metres (0: a thin wall)
uniform vec4 u_attenuation;      // colour, exponent per unit of thickness map (0: none)
uniform vec2 u_thickness_map;    // 1: u_thickness_tex scales the thickness, u_transmission_tex the transmission
uniform float u_scene_lod;       // u_scene's coarsest mip level (0: no mips this frame)
uniform sampler2D u_scene;
uniform sampler2D u_thickness_tex, u_transmission_tex;
uniform mat4 u_proj;
vec3 transmitted(vec3 n, vec3 v, vec3 base, float rough) {
    float t = u_thickness_map.x > 0.5 ? texture(u_thickness_tex, v_uv).g : 1.0;
    vec3 rd = refract(-v, n, 1.0 / u_transmission.y);
    vec4 c = u_proj * vec4(v_pos + rd * u_transmission.z * t, 1.0);
    // Rough glass blurs what lies behind: a coarser level of the frame the rougher it is (its
    // roughness scaled by the ior, as Khronos' viewer does; clear glass reads level 0).
    float lod = u_scene_lod * max(rough * clamp(2.0 * u_transmission.y - 2.0, 0.0, 1.0) - 0.05, 0.0);
    vec3 behind = textureLod(u_scene, clamp(c.xy / c.w * 0.5 + 0.5, 0.0, 1.0), lod).rgb;
    vec3 through = u_attenuation.w > 0.0 ? pow(u_attenuation.rgb, vec3(u_attenuation.w * t)) : vec3(1.0);
    return behind * behind * base * through;   // back to linear, near enough (it is tone mapped again)
}
#endif

// KHR_materials_iridescence: a thin film (ior u_iridescence.y, u_iridescence.z nm thick) over the
// base. Its reflectance after Belcour and Barla, "A Practical Extension to Microfacet Theory for
// the Modeling of Varying Iridescence" (2017): the Airy sum's first two orders, each order's
// spectrum folded through the CIE sensitivities in Fourier space (their Gaussian fit) and
// brought to linear sRGB. It takes the place of the base's f0.
#if HAS_IRIDESCENCE
uniform vec3 u_iridescence;      // factor, film ior, film thickness (nm)
float schlick1(float f0, float c) { float m = 1.0 - c, m2 = m * m; return f0 + (1.0 - f0) * m2 * m2 * m; }
vec3 schlick3(vec3 f0, float c) { float m = 1.0 - c, m2 = m * m; return f0 + (1.0 - f0) * m2 * m2 * m; }
vec3 film_sensitivity(float opd, vec3 shift) {
    float phase = 2.0 * PI * opd * 1e-9;
    const vec3 val = vec3(5.4856e-13, 4.4201e-13, 5.2481e-13), pos = vec3(1.6810e6, 1.7953e6, 2.2084e6),
               var = vec3(4.3278e9, 9.3046e9, 6.6121e9);
    vec3 xyz = val * sqrt(2.0 * PI * var) * cos(pos * phase + shift) * exp(-phase * phase * var);
    xyz.x += 9.7470e-14 * sqrt(2.0 * PI * 4.5282e9) * cos(2.2399e6 * phase + shift.x) * exp(-4.5282e9 * phase * phase);
    return mat3(3.2404542, -0.9692660, 0.0556434, -1.5371385, 1.8760108, -0.2040259, -0.4985314, 0.0415560, 1.0572252) *
           (xyz / 1.0685e-7);
}
vec3 film_fresnel(float cos1, vec3 f0) {
    float eta = mix(1.0, u_iridescence.y, smoothstep(0.0, 0.03, u_iridescence.z));   // no film: no change
    float sin2sq = (1.0 - cos1 * cos1) / (eta * eta);
    if (sin2sq >= 1.0) return vec3(1.0);   // total internal reflection in the film
    float cos2 = sqrt(1.0 - sin2sq);
    float r0 = (eta - 1.0) / (eta + 1.0), r12 = schlick1(r0 * r0, cos1), t121 = 1.0 - r12;
    vec3 sf0 = sqrt(clamp(f0, 0.0, 0.9999)), base_ior = (1.0 + sf0) / (1.0 - sf0);
    vec3 r1 = (base_ior - eta) / (base_ior + eta), r23 = schlick3(r1 * r1, cos2);
    vec3 phi = vec3(eta < 1.0 ? 0.0 : PI) + vec3(base_ior.x < eta ? PI : 0.0, base_ior.y < eta ? PI : 0.0, base_ior.z < eta ? PI : 0.0);
    float opd = 2.0 * eta * u_iridescence.z * cos2;
    vec3 r123 = clamp(r12 * r23, 1e-5, 0.9999), rs = t121 * t121 * r23 / (1.0 - r123), cm = rs - t121;
    vec3 i = vec3(r12) + rs;
    cm *= sqrt(r123);
    i += cm * 2.0 * film_sensitivity(opd, phi);
    cm *= sqrt(r123);
    i += cm * 2.0 * film_sensitivity(2.0 * opd, 2.0 * phi);
    return max(i, vec3(0.0));
}
#endif

// Khronos PBR Neutral tone mapper (https://github.com/KhronosGroup/ToneMapping).
vec3 pbr_neutral(vec3 c) {
    const float start = 0.8 - 0.04, desat = 0.15;
    float x = min(c.r, min(c.g, c.b));
    float offset = x < 0.08 ? x - 6.25 * x * x : 0.04;
    c -= offset;
    float peak = max(c.r, max(c.g, c.b));
    if (peak < start) return c;
    const float d = 1.0 - start;
    float np = 1.0 - d * d / (peak + d - start);
    c *= np / peak;
    float g = 1.0 - 1.0 / (desat * (peak - np) + 1.0);
    return mix(c, vec3(np), g);
}

// 1.055 c^(1/2.4) - 0.055 as a polynomial of c^(1/8) (three square roots, native on a CPU, where
// pow is a software exp2(log2)): within 0.0007 of an 8-bit level over [0.0031308, 1] (minimax fit).
vec3 srgb_encode(vec3 c) {
    c = clamp(c, 0.0, 1.0);
    vec3 t = sqrt(sqrt(sqrt(c)));
    vec3 g = (((0.18667595 * t + 1.09397223) * t - 0.29585469) * t + 0.07997903) * t - 0.06477013;
    return mix(c * 12.92, g, step(vec3(0.0031308), c));
}

// Tangent frame from screen-space derivatives (no tangents in the mesh needed).
vec3 perturb(vec3 n, vec3 p, vec2 uv) {
    vec3 t = texture(u_normal_tex, uv).xyz * 2.0 - 1.0;
    t.xy *= u_normal_scale;
    vec3 dp1 = dFdx(p), dp2 = dFdy(p);
    vec2 du1 = dFdx(uv), du2 = dFdy(uv);
    vec3 dp2perp = cross(dp2, n), dp1perp = cross(n, dp1);
    vec3 T = dp2perp * du1.x + dp1perp * du2.x;
    vec3 B = dp2perp * du1.y + dp1perp * du2.y;
    float inv = inversesqrt(max(dot(T, T), dot(B, B)) + 1e-20);
    // Our uvs have v = 0 at the image's top row, as glTF does: B follows +v.
    return normalize(mat3(T * inv, B * inv, n) * t);
}

void main() {
    vec4 base = u_base_colour;
#if HAS_TEXTURE
    base *= texture(u_texture, map_uv(0));
#endif
#if HAS_ALPHA_MASK
    if (base.a < u_alpha_cutoff) discard;   // glTF alphaMode MASK: a leaf's outline, lace
    base.a = 1.0;
#endif
    float metal = u_metallic, rough = u_roughness;
#if HAS_MR
    vec4 mr = texture(u_mr_tex, map_uv(1));
    rough *= mr.g;
    metal *= mr.b;
#endif
    rough = clamp(rough, 0.04, 1.0);
    metal = clamp(metal, 0.0, 1.0);
    vec3 n = normalize(v_normal);
    vec3 v = normalize(-v_pos);
    if (dot(n, v) < 0.0) n = -n;   // two-sided: thin parts and open meshes
    vec3 ng = n;                   // the surface's own normal (a clearcoat's)
#if HAS_NORMAL
    n = perturb(n, v_pos, map_uv(2));
#endif
    float nv = clamp(dot(n, v), 1e-4, 1.0);
#if HAS_OCCLUSION
    float ao = mix(1.0, texture(u_occlusion_tex, map_uv(3)).r, u_occlusion_strength);
#else
    float ao = 1.0;
#endif

    vec3 spec_c = u_specular.rgb;
    float spec_w = u_specular.a;
    if (u_specular_maps.x > 0.5) spec_w *= texture(u_specular_tex, v_uv).a;
    if (u_specular_maps.y > 0.5) spec_c *= texture(u_specular_colour_tex, v_uv).rgb;
    vec3 f0 = mix(min(vec3(0.04) * spec_c, vec3(1.0)), base.rgb, metal);
#if HAS_IRIDESCENCE
    f0 = mix(f0, film_fresnel(nv, f0), u_iridescence.x);
#endif
    float sw = mix(spec_w, 1.0, metal);   // the dielectric reflection's weight (a metal's is 1)
    vec3 diffuse_c = base.rgb * (1.0 - metal);

    // Image-based: irradiance from the studio's spherical harmonics, reflection from the mip of
    // this roughness.
    vec3 irradiance = vec3(irradiance_sh(n));
    vec3 r = reflect(-v, n);
    vec3 prefiltered = env_sample(r, rough * u_env_lods);
    vec2 ab = env_brdf(nv, rough);
    vec3 diffuse_light = diffuse_c * irradiance * room(n);
#if HAS_TRANSMISSION
    // Light through the surface takes the diffuse lobe's place (the key's diffuse too), as glTF's
    // model mixes them; the dielectric reflection stays on top.
    float tf = u_transmission.x * (u_thickness_map.y > 0.5 ? texture(u_transmission_tex, v_uv).r : 1.0);
    diffuse_light = mix(diffuse_light, transmitted(n, v, base.rgb, rough), tf);
    diffuse_c *= 1.0 - tf;
#endif
    vec3 colour = (diffuse_light + prefiltered * room(r) * (f0 * ab.x + ab.y) * sw) * ao;

    // The studio's key softbox (above, left, in front) also as a light, for a defined highlight.
    vec3 l = u_key_cam;
    vec3 h = normalize(l + v);
    float nl = max(dot(n, l), 0.0), nh = max(dot(n, h), 0.0), vh = max(dot(v, h), 0.0);
    float fv = 1.0 - vh, fv2 = fv * fv;   // (1 - vh)^5 by multiplies: pow is exp2(log2) on a CPU
    vec3 F = f0 + (1.0 - f0) * (fv2 * fv2 * fv);
    float a = rough * rough;
    vec3 spec = F * d_ggx(nh, a) * v_smith(nv, nl, a) * sw;
    vec3 key = 1.6 * room(l);
    colour += (diffuse_c / PI * (1.0 - F * sw) + spec) * nl * key;
#if HAS_SHEEN
    colour = sheen_layer(colour, irradiance * room(n) * ao, nv, nl, nh, key);
#endif
#if HAS_CLEARCOAT
    colour = clearcoat_layer(colour, ng, v, l, key);
#endif

    vec3 emit = u_emissive;
#if HAS_EMISSIVE
    emit *= texture(u_emissive_tex, map_uv(4)).rgb;
#endif
    colour += emit;

    o_colour = vec4(srgb_encode(pbr_neutral(colour * u_exposure)), base.a * u_opacity);
}
