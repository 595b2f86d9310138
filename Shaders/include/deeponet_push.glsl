// Push constants of deeponet_combine. Mirrors FieldForge.Acoustics.DeepOnetPush (16 bytes).
#ifndef DEEPONET_PUSH_GLSL
#define DEEPONET_PUSH_GLSL
layout(push_constant) uniform DeepOnetPush
{
    uint modes;       // K: branch outputs = trunk basis functions
    uint fieldLength; // D = outputs x receivers: values per basis function
    uint queries;     // values to produce
    float scale;      // branch outputs are coefficients / scale
} pc;
#endif
