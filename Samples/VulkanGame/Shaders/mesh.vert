#version 450
// The morphing isosurface, straight from FieldForge's vertex buffer (IsoVertex: position, normal, RGBA8 colour).
layout(location = 0) in vec3 inPosition;
layout(location = 1) in vec3 inNormal;
layout(location = 2) in vec4 inColor; // VK_FORMAT_R8G8B8A8_UNORM: R in the low byte

layout(push_constant) uniform Frame {
    mat4 viewProjection; // System.Numerics row-vector matrix, read column-major: v * M == M^T * v
    vec4 lightDirection; // xyz: unit vector towards the light
    vec4 ground;         // x: ground height, y: half extent
} frame;

layout(location = 0) out vec3 outNormal;
layout(location = 1) out vec3 outColor;

void main() {
    gl_Position = frame.viewProjection * vec4(inPosition, 1.0);
    outNormal = inNormal;
    outColor = inColor.rgb;
}
