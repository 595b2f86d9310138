#version 450
// The ground, textured with FieldForge's GPU noise: either its RGBA8 colour image, or its raw values (R32F, about
// -1..1 for the default amplitude) mapped through a terrain ramp here.
layout(set = 0, binding = 0) uniform sampler2D noiseTexture;

layout(push_constant) uniform Frame {
    mat4 viewProjection;
    vec4 lightDirection;
    vec4 ground;
} frame;

layout(location = 0) in vec2 inUv;
layout(location = 0) out vec4 outColor;

vec3 terrain(float v) {
    float t = clamp(0.5 + 0.5 * v, 0.0, 1.0);
    vec3 water = vec3(0.10, 0.25, 0.55), sand = vec3(0.76, 0.70, 0.50), grass = vec3(0.25, 0.55, 0.20), rock = vec3(0.45, 0.42, 0.40);
    if (t < 0.45) return mix(water, sand, t / 0.45);
    if (t < 0.55) return mix(sand, grass, (t - 0.45) / 0.10);
    return mix(grass, rock, (t - 0.55) / 0.45);
}

void main() {
    vec4 texel = texture(noiseTexture, inUv);
    vec3 albedo = frame.ground.z > 0.5 ? terrain(texel.r) : texel.rgb;
    float diffuse = max(frame.lightDirection.y, 0.0); // the ground's normal is +y
    outColor = vec4(albedo * (0.3 + 0.7 * diffuse), 1.0);
}
