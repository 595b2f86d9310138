// Layout and activations shared by the MLP kernels. Mirrors FieldForge.Neural.Mlp.MlpPush (48 bytes) and
// FieldForge.Neural.Activation (0 none, 1 ReLU, 2 sine, 3 sigmoid).
// Weights: for each layer (inputs -> width, width -> width ..., width -> outputs) a row-major matrix W[out][in]
// followed by the bias b[out], layers back to back from weightOffset. Gradients use the same layout.
// Activations between layers are feature-major: unit j of sample s at [j * count + s]. The workspace keeps the
// pre-activations z of layer l in rows l * width .. (the output layer's at hiddenLayers * width); deltas dL/dz likewise.
#ifndef FF_MLP_COMMON_GLSL
#define FF_MLP_COMMON_GLSL

#define MLP_MAX_WIDTH 128

// encoding_mlp_fused.comp declares its own block (these fields plus the encoding's) and defines FF_PUSH_DECLARED.
#ifndef FF_PUSH_DECLARED
layout(push_constant) uniform Push
{
    uint count;
    uint inputs;
    uint outputs;
    uint width;
    uint hiddenLayers;
    uint hiddenActivation;
    uint outputActivation;
    uint weightOffset;
    uint layer;        // which layer (0..hiddenLayers) a per-layer kernel works on
    uint chunk;        // weight-gradient kernel: samples per workgroup; fused forward: 1 = training (store h, and the
                       // output layer's z after it), 2 = training that also stores the hidden z (sine);
                       // partials reduction: workgroups to sum
    uint mode;         // reserved (0)
    uint stride;       // fused backward / reduction: floats per workgroup slice of the partials buffer
} pc;
#endif

float ff_activate(float z, uint act)
{
    if (act == 1u) return max(z, 0.0);
    if (act == 2u) return sin(z);
    if (act == 3u) return 1.0 / (1.0 + exp(-z));
    return z;
}

// d act / d z, from the pre-activation z.
float ff_activate_derivative(float z, uint act)
{
    if (act == 1u) return z > 0.0 ? 1.0 : 0.0;
    if (act == 2u) return cos(z);
    if (act == 3u) { float y = 1.0 / (1.0 + exp(-z)); return y * (1.0 - y); }
    return 1.0;
}

// d act / d z from the activation's output y = act(z), for the activations where y determines it (not sine).
float ff_activate_derivative_from_output(float y, uint act)
{
    if (act == 1u) return y > 0.0 ? 1.0 : 0.0;
    if (act == 3u) return y * (1.0 - y);
    return 1.0;
}

uint ff_layer_inputs(uint l) { return l == 0u ? pc.inputs : pc.width; }
uint ff_layer_outputs(uint l) { return l == pc.hiddenLayers ? pc.outputs : pc.width; }

// First weight of layer l, relative to weightOffset.
uint ff_layer_offset(uint l)
{
    uint offset = 0u;
    for (uint k = 0u; k < l; k++) offset += ff_layer_outputs(k) * (ff_layer_inputs(k) + 1u);
    return offset;
}

// Packed weights of the fused kernels: per layer, W[j][.] rows padded with zeros to a multiple of 4 floats (so four
// consecutive inputs' weights are one aligned vec4 load), then the biases, padded to a multiple of 4 too.
// mlp_pack_weights writes them.
uint ff_stride4(uint n) { return (n + 3u) & ~3u; }
uint ff_packed_offset(uint l)
{
    uint offset = 0u;
    for (uint k = 0u; k < l; k++) offset += ff_layer_outputs(k) * ff_stride4(ff_layer_inputs(k)) + ff_stride4(ff_layer_outputs(k));
    return offset;
}

#endif
