#version 450
// The ground, textured with FieldForge's GPU noise: NoiseComponent.ColorTexture (RGBA8, colour-ramped on the GPU),
// sampled straight from FieldForge's image.
layout(set = 0, binding = 0) uniform sampler2D noiseTexture;

layout(push_constant) uniform Frame {
    mat4 viewProjection;
    vec4 lightDirection;
    vec4 ground;
} frame;

layout(location = 0) in vec2 inUv;
layout(location = 0) out vec4 outColor;

void main() {
    vec3 albedo = texture(noiseTexture, inUv).rgb;
    float diffuse = max(frame.lightDirection.y, 0.0); // the ground's normal is +y
    outColor = vec4(albedo * (0.3 + 0.7 * diffuse), 1.0);
}
