#version 450
layout(location = 0) in vec3 inNormal;
layout(location = 1) in vec3 inColor;

layout(push_constant) uniform Frame {
    mat4 viewProjection;
    vec4 lightDirection;
    vec4 ground;
} frame;

layout(location = 0) out vec4 outColor;

void main() {
    vec3 n = normalize(inNormal);
    float diffuse = max(dot(n, frame.lightDirection.xyz), 0.0);
    float rim = 0.15 * max(n.y, 0.0); // a little sky light from above
    outColor = vec4(inColor * (0.25 + 0.75 * diffuse + rim), 1.0);
}
