#version 450
// A ground quad generated from gl_VertexIndex (no vertex buffer): two triangles spanning +-half extent in x and z.
layout(push_constant) uniform Frame {
    mat4 viewProjection;
    vec4 lightDirection;
    vec4 ground;
} frame;

layout(location = 0) out vec2 outUv;

const vec2 corners[6] = vec2[](vec2(0, 0), vec2(1, 0), vec2(1, 1), vec2(0, 0), vec2(1, 1), vec2(0, 1));

void main() {
    vec2 uv = corners[gl_VertexIndex];
    float h = frame.ground.y;
    vec3 p = vec3(mix(-h, h, uv.x), frame.ground.x, mix(-h, h, uv.y));
    gl_Position = frame.viewProjection * vec4(p, 1.0);
    outUv = uv;
}
