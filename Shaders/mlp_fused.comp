#version 450
// Fully fused MLP: one dispatch per pass for the whole network. A workgroup carries a tile of FUSED_TILE samples
// through every layer; each invocation owns FUSED_K consecutive samples (register blocking) and keeps a layer's
// pre-activations, deltas or gradients for them in private registers (loops over units have compile-time trip counts
// and are unrolled, so no private array is indexed dynamically). Every weight is read once per FUSED_K samples, through
// a texel view of the packed weights (one SIMD gather on CPU drivers instead of a loop over the lanes).
//
// An invocation only ever reads back what it wrote itself, so no barrier separates layers. Between layers its samples'
// activations live in the MLP workspace (the per-layer kernels' feature-major layout); the _v4 variants (batch size a
// multiple of 4) move four consecutive samples per storage-buffer access. The training forward stores act(z) once per
// hidden unit (z too only for sine, whose derivative act(z) does not determine) and the output layer's z.
// Backward: from dL/dy down to dL/dx in one dispatch. The weight gradient dW = sum_s delta(s) a(s)^T: each invocation
// sums its own samples in registers, subgroupAdd sums the lanes, and one lane per subgroup writes the subgroup's slice of
// a partials buffer (packed layout); mlp_reduce_partials sums the slices in a fixed order. No float atomics, and
// bit-identical results from run to run.
//! kernel mlp_fused_forward_w16 FUSED_FORWARD WIDTH=16
//! kernel mlp_fused_forward_w32 FUSED_FORWARD WIDTH=32
//! kernel mlp_fused_forward_w64 FUSED_FORWARD WIDTH=64
//! kernel mlp_fused_forward_w16_v4 FUSED_FORWARD FUSED_VEC4 WIDTH=16
//! kernel mlp_fused_forward_w32_v4 FUSED_FORWARD FUSED_VEC4 WIDTH=32
//! kernel mlp_fused_forward_w64_v4 FUSED_FORWARD FUSED_VEC4 WIDTH=64
//! kernel mlp_fused_backward_w16 FUSED_BACKWARD WIDTH=16
//! kernel mlp_fused_backward_w32 FUSED_BACKWARD WIDTH=32
//! kernel mlp_fused_backward_w64 FUSED_BACKWARD WIDTH=64
//! kernel mlp_fused_backward_w16_v4 FUSED_BACKWARD FUSED_VEC4 WIDTH=16
//! kernel mlp_fused_backward_w32_v4 FUSED_BACKWARD FUSED_VEC4 WIDTH=32
//! kernel mlp_fused_backward_w64_v4 FUSED_BACKWARD FUSED_VEC4 WIDTH=64
//! kernel mlp_reduce_partials FUSED_REDUCE
//! kernel mlp_pack_weights FUSED_PACK
#extension GL_EXT_control_flow_attributes : require
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#include "mlp_fused_common.glsl"
#if defined(FUSED_REDUCE) || defined(FUSED_PACK)
layout(local_size_x = 256) in;
#else
layout(local_size_x = FUSED_LANES) in;
#endif
#include "ff_common.glsl"
#include "mlp_common.glsl"

// Packed weights (ff_stride4, ff_packed_offset): see mlp_common.glsl.

#if !defined(FUSED_REDUCE) && !defined(FUSED_PACK)
// This invocation's FUSED_K samples are consecutive, from ff_first(); dead samples past the batch read sample 0.
uint ff_first() { return gl_WorkGroupID.x * FUSED_TILE + gl_LocalInvocationID.x * FUSED_K; }
// Row of unit j of layer l in the workspace's pre-activation / delta buffers (hidden layers' activations likewise).
uint ff_row(uint l, uint j) { return (l * pc.width + j) * pc.count; }
#define FF_INPUT_ROW(i) ((i) * pc.count)
#define FF_HIDDEN_ROW(i) ff_row(l - 1u, (i))

// V[k] (k < FUSED_K) = BUF[ROW + ff_first() + k], and back. FUSED_VEC4: FUSED_K / 4 vec4 accesses (rows are 16-byte
// aligned and the batch size a multiple of 4, so each vec4 lies wholly inside or outside the batch).
#ifdef FUSED_VEC4
#define FF_LOAD_K(BUF, ROW, V) \
    [[unroll]] for (int q_ = 0; q_ < FUSED_K / 4; q_++) \
    { \
        uint s_ = ff_first() + 4u * uint(q_); \
        vec4 t_ = BUF##4[((ROW) + (s_ < pc.count ? s_ : 0u)) >> 2]; \
        V[4 * q_] = t_.x; V[4 * q_ + 1] = t_.y; V[4 * q_ + 2] = t_.z; V[4 * q_ + 3] = t_.w; \
    }
#define FF_STORE_K(BUF, ROW, V) \
    [[unroll]] for (int q_ = 0; q_ < FUSED_K / 4; q_++) \
    { \
        uint s_ = ff_first() + 4u * uint(q_); \
        if (s_ < pc.count) BUF##4[((ROW) + s_) >> 2] = vec4(V[4 * q_], V[4 * q_ + 1], V[4 * q_ + 2], V[4 * q_ + 3]); \
    }
#else
#define FF_LOAD_K(BUF, ROW, V) \
    [[unroll]] for (int q_ = 0; q_ < FUSED_K; q_++) { uint s_ = ff_first() + uint(q_); V[q_] = BUF[(ROW) + (s_ < pc.count ? s_ : 0u)]; }
#define FF_STORE_K(BUF, ROW, V) \
    [[unroll]] for (int q_ = 0; q_ < FUSED_K; q_++) { uint s_ = ff_first() + uint(q_); if (s_ < pc.count) BUF[(ROW) + s_] = V[q_]; }
#endif
#endif

#ifdef FUSED_FORWARD
// z[j][k] += sum_i W[j][i] a_i(k) over the layer's inputs, read from buffer IN (inputValues for layer 0, post for hidden
// layers): four inputs at a time, 4 x FUSED_K activation loads and WIDTH vec4 weight loads feed 4 x WIDTH x FUSED_K
// multiply-adds (inputs past nIn have zero weights; their activation index is clamped to stay finite).
#define FF_FORWARD_INPUTS(IN, ROW) \
    for (uint i = 0u; i < nIn; i += 4u) \
    { \
        float a[4][FUSED_K]; \
        [[unroll]] for (int c = 0; c < 4; c++) { FF_LOAD_K(IN, ROW(min(i + uint(c), nIn - 1u)), a[c]) } \
        [[unroll]] for (int j = 0; j < WIDTH; j++) \
        { \
            vec4 w = P4_AT((base + uint(j) * stride + i) >> 2); \
            [[unroll]] for (int k = 0; k < FUSED_K; k++) z[j][k] += dot(w, vec4(a[0][k], a[1][k], a[2][k], a[3][k])); \
        } \
    }

void main()
{
    // Hidden layers: WIDTH x FUSED_K pre-activations in registers.
    for (uint l = 0u; l < pc.hiddenLayers; l++)
    {
        uint nIn = ff_layer_inputs(l), stride = ff_stride4(nIn);
        uint base = ff_packed_offset(l);
        float z[WIDTH][FUSED_K];
        [[unroll]] for (int j = 0; j < WIDTH; j++)
        {
            float b = packedScalar(base + WIDTH * stride + uint(j));
            [[unroll]] for (int k = 0; k < FUSED_K; k++) z[j][k] = b;
        }
        // The input buffer is fixed per branch, so no load sits behind a select of two buffers.
        if (l == 0u) { FF_FORWARD_INPUTS(inputValues, FF_INPUT_ROW) }
        else { FF_FORWARD_INPUTS(post, FF_HIDDEN_ROW) }
        // Each invocation reads back only its own samples, so layers need no barrier between them.
        [[unroll]] for (int j = 0; j < WIDTH; j++)
        {
            uint row = ff_row(l, uint(j));
            if (pc.chunk == 2u) { FF_STORE_K(acts, row, z[j]) }
            float h[FUSED_K];
            [[unroll]] for (int k = 0; k < FUSED_K; k++) h[k] = ff_activate(z[j][k], pc.hiddenActivation);
            FF_STORE_K(post, row, h)
        }
    }
    // Output layer: the last hidden activations in registers, one output unit at a time.
    uint L = pc.hiddenLayers;
    uint base = ff_packed_offset(L);
    float a[WIDTH][FUSED_K];
    [[unroll]] for (int i = 0; i < WIDTH; i++) { FF_LOAD_K(post, ff_row(L - 1u, uint(i)), a[i]) }
    for (uint o = 0u; o < pc.outputs; o++)
    {
        float z[FUSED_K];
        float b = packedScalar(base + pc.outputs * WIDTH + o);
        [[unroll]] for (int k = 0; k < FUSED_K; k++) z[k] = b;
        [[unroll]] for (int i = 0; i < WIDTH; i += 4)
        {
            vec4 w = P4_AT((base + o * WIDTH + uint(i)) >> 2);
            [[unroll]] for (int k = 0; k < FUSED_K; k++) z[k] += dot(w, vec4(a[i][k], a[i + 1][k], a[i + 2][k], a[i + 3][k]));
        }
        if (pc.chunk != 0u) { FF_STORE_K(post, ff_row(L, o), z) }
        float y[FUSED_K];
        [[unroll]] for (int k = 0; k < FUSED_K; k++) y[k] = ff_activate(z[k], pc.outputActivation);
        FF_STORE_K(outputValues, o * pc.count, y)
    }
}
#endif

#ifdef FUSED_BACKWARD
// dW of layer l over this subgroup's samples, without reading any other invocation's data: each invocation sums
// delta_j(k) a_i(k) over its own FUSED_K samples in registers, subgroupAdd sums the lanes (in lane order), and one lane
// writes four weights per vec4 store into the subgroup's slice of the partials, which use the packed layout
// (ff_packed_offset, rows padded to whole vec4s). Inputs come FUSED_CH at a time and stay in registers across the
// output units. Dead samples past the batch contribute zeros.
void ff_weight_gradient(uint l, bool live[FUSED_K])
{
    uint nIn = ff_layer_inputs(l), nOut = ff_layer_outputs(l), stride = ff_stride4(nIn);
    uint slice = (gl_WorkGroupID.x * gl_NumSubgroups + gl_SubgroupID) * pc.stride + ff_packed_offset(l);
    bool writer = subgroupElect();
    for (uint i0 = 0u; i0 < nIn; i0 += FUSED_CH)
    {
        float a[FUSED_CH][FUSED_K];
        [[unroll]] for (int c = 0; c < FUSED_CH; c++)
        {
            uint i = min(i0 + uint(c), nIn - 1u);
            if (l == 0u) { FF_LOAD_K(inputValues, FF_INPUT_ROW(i), a[c]) }
            else { FF_LOAD_K(post, FF_HIDDEN_ROW(i), a[c]) }
            bool column = i0 + uint(c) < nIn;
            [[unroll]] for (int k = 0; k < FUSED_K; k++) a[c][k] = column && live[k] ? a[c][k] : 0.0;
        }
        for (uint j = 0u; j < nOut; j++)
        {
            float d[FUSED_K];
            FF_LOAD_K(deltas, ff_row(l, j), d)
            [[unroll]] for (int c = 0; c < FUSED_CH; c += 4)
            {
                vec4 g = vec4(0.0);
                [[unroll]] for (int k = 0; k < FUSED_K; k++) g += d[k] * vec4(a[c][k], a[c + 1][k], a[c + 2][k], a[c + 3][k]);
                g = subgroupAdd(g);
                if (writer && i0 + uint(c) < nIn) partials4[(slice + j * stride + i0 + uint(c)) >> 2] = g;
            }
        }
    }
    // Biases: sum_k delta_j(k), four output units per vec4 (the packed biases are padded to whole vec4s).
    for (uint j = 0u; j < nOut; j += 4u)
    {
        vec4 g = vec4(0.0);
        [[unroll]] for (int c = 0; c < 4; c++)
        {
            float d[FUSED_K];
            FF_LOAD_K(deltas, ff_row(l, min(j + uint(c), nOut - 1u)), d)
            float sum = 0.0;
            [[unroll]] for (int k = 0; k < FUSED_K; k++) sum += live[k] ? d[k] : 0.0;
            g[c] = j + uint(c) < nOut ? sum : 0.0;
        }
        g = subgroupAdd(g);
        if (writer) partials4[(slice + nOut * stride + j) >> 2] = g;
    }
}

void main()
{
    uint L = pc.hiddenLayers;
    bool live[FUSED_K];  // which of this invocation's samples are inside the batch
    [[unroll]] for (int k = 0; k < FUSED_K; k++) live[k] = ff_first() + uint(k) < pc.count;
    // Output deltas dL/dz of this invocation's samples.
    for (uint o = 0u; o < pc.outputs; o++)
    {
        uint row = ff_row(L, o);
        float g[FUSED_K], z[FUSED_K];
        FF_LOAD_K(outputGrad, o * pc.count, g)
        FF_LOAD_K(post, row, z)
        [[unroll]] for (int k = 0; k < FUSED_K; k++) g[k] *= ff_activate_derivative(z[k], pc.outputActivation);
        FF_STORE_K(deltas, row, g)
    }
    for (int li = int(L); li >= 0; li--)
    {
        uint l = uint(li);
        uint nIn = ff_layer_inputs(l), nOut = ff_layer_outputs(l), stride = ff_stride4(nIn);
        uint base = ff_packed_offset(l);
        ff_weight_gradient(l, live);  // reads only this invocation's own deltas: no barrier between layers
        if (l > 0u)
        {
            // Deltas of layer l-1: g[i][k] = sum_j W[j][i] d_j(k), then times act'(z).
            float g[WIDTH][FUSED_K];
            [[unroll]] for (int i = 0; i < WIDTH; i++)
                [[unroll]] for (int k = 0; k < FUSED_K; k++) g[i][k] = 0.0;
            // Four output units per iteration (in order; units past nOut add zeros), so the accumulators carried
            // around the loop are stored once per four units.
            for (uint j0 = 0u; j0 < nOut; j0 += 4u)
                [[unroll]] for (int u = 0; u < 4; u++)
                {
                    uint j = min(j0 + uint(u), nOut - 1u);
                    float d[FUSED_K];
                    FF_LOAD_K(deltas, ff_row(l, j), d)
                    bool unit = j0 + uint(u) < nOut;
                    [[unroll]] for (int k = 0; k < FUSED_K; k++) d[k] = unit ? d[k] : 0.0;
                    [[unroll]] for (int i = 0; i < WIDTH; i += 4)
                    {
                        vec4 w = P4_AT((base + j * WIDTH + uint(i)) >> 2);
                        [[unroll]] for (int k = 0; k < FUSED_K; k++)
                        {
                            g[i][k] += w.x * d[k];
                            g[i + 1][k] += w.y * d[k];
                            g[i + 2][k] += w.z * d[k];
                            g[i + 3][k] += w.w * d[k];
                        }
                    }
                }
            [[unroll]] for (int i = 0; i < WIDTH; i++)
            {
                uint row = ff_row(l - 1u, uint(i));
                float v[FUSED_K];
                FF_LOAD_K(acts, row, v)
                [[unroll]] for (int k = 0; k < FUSED_K; k++)
                    g[i][k] *= pc.hiddenActivation == 2u ? cos(v[k]) : ff_activate_derivative_from_output(v[k], pc.hiddenActivation);
                FF_STORE_K(deltas, row, g[i])
            }
        }
        else if (pc.layer != 0u)
        {
            // dL/dinput: the layer-0 deltas in registers, four input units at a time.
            float d[WIDTH][FUSED_K];
            [[unroll]] for (int j = 0; j < WIDTH; j++) { FF_LOAD_K(deltas, ff_row(0u, uint(j)), d[j]) }
            for (uint i = 0u; i < nIn; i += 4u)
            {
                float g[4][FUSED_K];
                [[unroll]] for (int c = 0; c < 4; c++)
                    [[unroll]] for (int k = 0; k < FUSED_K; k++) g[c][k] = 0.0;
                [[unroll]] for (int j = 0; j < WIDTH; j++)
                {
                    vec4 w = P4_AT((base + uint(j) * stride + i) >> 2);
                    [[unroll]] for (int k = 0; k < FUSED_K; k++)
                    {
                        g[0][k] += w.x * d[j][k];
                        g[1][k] += w.y * d[j][k];
                        g[2][k] += w.z * d[j][k];
                        g[3][k] += w.w * d[j][k];
                    }
                }
                [[unroll]] for (int c = 0; c < 4; c++)
                    if (i + uint(c) < nIn) { FF_STORE_K(inputGrad, (i + uint(c)) * pc.count, g[c]) }
            }
        }
    }
}
#endif

#ifdef FUSED_PACK
// packed[...] = the weights at pc.weightOffset in the packed layout; pc.count = packed floats.
void main()
{
    uint p = ff_global_index();
    if (p >= pc.count) return;
    uint l = 0u, start = 0u;
    for (uint k = 0u; k < pc.hiddenLayers; k++)
    {
        uint size = ff_layer_outputs(k) * ff_stride4(ff_layer_inputs(k)) + ff_stride4(ff_layer_outputs(k));
        if (p < start + size) break;
        start += size;
        l++;
    }
    uint nIn = ff_layer_inputs(l), nOut = ff_layer_outputs(l), stride = ff_stride4(nIn);
    uint r = p - start, base = pc.weightOffset + ff_layer_offset(l);
    float v = 0.0;
    if (r < nOut * stride) { uint j = r / stride, i = r - j * stride; if (i < nIn) v = W[base + j * nIn + i]; }
    else if (r - nOut * stride < nOut) v = W[base + nOut * nIn + (r - nOut * stride)];
    packed[p] = v;
}
#endif

#ifdef FUSED_REDUCE
// grads[offset + k] += sum over slices g < pc.chunk of partials[g * pc.stride + p(k)], always in slice order
// (deterministic), where p(k) is weight k's place in the packed layout.
void main()
{
    uint k = ff_global_index();
    if (k >= pc.count) return;
    uint l = 0u;
    while (l < pc.hiddenLayers && k >= ff_layer_offset(l + 1u)) l++;
    uint nIn = ff_layer_inputs(l), nOut = ff_layer_outputs(l), r = k - ff_layer_offset(l);
    uint p = ff_packed_offset(l) + (r < nOut * nIn ? (r / nIn) * ff_stride4(nIn) + r % nIn : nOut * ff_stride4(nIn) + (r - nOut * nIn));
    float sum = 0.0;
    for (uint g = 0u; g < pc.chunk; g++) sum += partials[g * pc.stride + p];
    grads[pc.weightOffset + k] += sum;
}
#endif
