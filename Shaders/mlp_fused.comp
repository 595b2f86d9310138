#version 450
// Fully fused MLP: one dispatch per pass for the whole network. A workgroup carries a tile of FUSED_TILE samples
// through every layer; each invocation owns FUSED_K samples (register blocking) and keeps a layer's pre-activations,
// deltas or gradients for them in private registers (loops over units have compile-time trip counts and are unrolled,
// so no private array is indexed dynamically). Every weight is read once per FUSED_K samples at a workgroup-uniform
// address, and every activation once per WIDTH weights: that ratio, not the arithmetic, bounds small MLPs on SIMD CPU
// drivers, where each memory access inside a loop costs one scalar load per lane.
//
// Between layers the tile's activations live in the MLP workspace (the per-layer kernels' feature-major layout, so the
// two paths interoperate and the training forward leaves exactly what the backward pass reads); a 256-sample tile of a
// 64-wide layer is 64 KiB, more than the 32 KiB of shared memory CPU drivers offer, and stays cache-resident instead.
// Backward: from dL/dy down to dL/dx in one dispatch. The weight gradient dW = sum_s delta(s) a(s)^T is reduced inside
// the workgroup (each invocation sums FUSED_RB x FUSED_CB blocks of dW over the tile in registers) and written once per
// weight per workgroup into the workgroup's slice of a partials buffer; mlp_reduce_partials sums the slices in a fixed
// order. No float atomics, and bit-identical results from run to run.
//! kernel mlp_fused_forward_w16 FUSED_FORWARD WIDTH=16
//! kernel mlp_fused_forward_w32 FUSED_FORWARD WIDTH=32
//! kernel mlp_fused_forward_w64 FUSED_FORWARD WIDTH=64
//! kernel mlp_fused_backward_w16 FUSED_BACKWARD WIDTH=16
//! kernel mlp_fused_backward_w32 FUSED_BACKWARD WIDTH=32
//! kernel mlp_fused_backward_w64 FUSED_BACKWARD WIDTH=64
//! kernel mlp_reduce_partials FUSED_REDUCE
//! kernel mlp_pack_weights FUSED_PACK
#extension GL_EXT_control_flow_attributes : require
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
// Sample k of this invocation (k < FUSED_K), and the index loads use (dead samples past the batch read sample 0).
uint ff_sample(uint k) { return gl_WorkGroupID.x * FUSED_TILE + k * FUSED_LANES + gl_LocalInvocationID.x; }
uint ff_load_index(uint k) { uint s = ff_sample(k); return s < pc.count ? s : 0u; }
// Row of unit j of layer l in the workspace's pre-activation / delta buffers (hidden layers' activations likewise).
uint ff_row(uint l, uint j) { return (l * pc.width + j) * pc.count; }
#endif

#ifdef FUSED_FORWARD
// The layer input of sample k: the network input for layer 0, the previous hidden layer's activations otherwise.
float ff_layer_input(uint l, uint i, uint k)
{
    uint s = ff_load_index(k);
    return l == 0u ? inputValues[i * pc.count + s] : post[ff_row(l - 1u, i) + s];
}

void main()
{
    // Hidden layers: WIDTH x FUSED_K pre-activations in registers; per input unit i, FUSED_K activation loads and
    // WIDTH weight loads feed WIDTH x FUSED_K multiply-adds.
    for (uint l = 0u; l < pc.hiddenLayers; l++)
    {
        uint nIn = ff_layer_inputs(l), stride = ff_stride4(nIn);
        uint base = ff_packed_offset(l);
        float z[FUSED_K][WIDTH];
        [[unroll]] for (int j = 0; j < WIDTH; j++)
        {
            float b = packedScalar(base + WIDTH * stride + uint(j));
            [[unroll]] for (int k = 0; k < FUSED_K; k++) z[k][j] = b;
        }
        // Four inputs at a time: 4 x FUSED_K activation loads and WIDTH vec4 weight loads feed 4 x WIDTH x FUSED_K
        // multiply-adds (inputs past nIn have zero weights; their activation index is clamped to stay finite).
        for (uint i = 0u; i < nIn; i += 4u)
        {
            vec4 a[FUSED_K];
            [[unroll]] for (int k = 0; k < FUSED_K; k++)
                [[unroll]] for (int c = 0; c < 4; c++) a[k][c] = ff_layer_input(l, min(i + uint(c), nIn - 1u), uint(k));
            [[unroll]] for (int j = 0; j < WIDTH; j++)
            {
                vec4 w = P4[(base + uint(j) * stride + i) >> 2];
                [[unroll]] for (int k = 0; k < FUSED_K; k++) z[k][j] += dot(w, a[k]);
            }
        }
        // Each invocation reads back only its own samples, so layers need no barrier between them.
        [[unroll]] for (int k = 0; k < FUSED_K; k++)
        {
            uint s = ff_sample(uint(k));
            if (s >= pc.count) continue;
            [[unroll]] for (int j = 0; j < WIDTH; j++)
            {
                uint row = ff_row(l, uint(j)) + s;
                if (pc.chunk != 0u) acts[row] = z[k][j];
                post[row] = ff_activate(z[k][j], pc.hiddenActivation);
            }
        }
    }
    // Output layer: the last hidden activations in registers, one output unit at a time.
    uint L = pc.hiddenLayers;
    uint base = ff_packed_offset(L);
    float a[FUSED_K][WIDTH];
    [[unroll]] for (int k = 0; k < FUSED_K; k++)
        [[unroll]] for (int i = 0; i < WIDTH; i++) a[k][i] = post[ff_row(L - 1u, uint(i)) + ff_load_index(uint(k))];
    for (uint o = 0u; o < pc.outputs; o++)
    {
        float z[FUSED_K];
        float b = packedScalar(base + pc.outputs * WIDTH + o);
        [[unroll]] for (int k = 0; k < FUSED_K; k++) z[k] = b;
        [[unroll]] for (int i = 0; i < WIDTH; i += 4)
        {
            vec4 w = P4[(base + o * WIDTH + uint(i)) >> 2];
            [[unroll]] for (int k = 0; k < FUSED_K; k++) z[k] += dot(w, vec4(a[k][i], a[k][i + 1], a[k][i + 2], a[k][i + 3]));
        }
        [[unroll]] for (int k = 0; k < FUSED_K; k++)
        {
            uint s = ff_sample(uint(k));
            if (s >= pc.count) continue;
            if (pc.chunk != 0u) acts[ff_row(L, o) + s] = z[k];
            outputValues[o * pc.count + s] = ff_activate(z[k], pc.outputActivation);
        }
    }
}
#endif

#ifdef FUSED_BACKWARD
// Input a_i(s) of layer l from buffer IN (inputValues for layer 0, post for hidden layers); the bias column i == nIn
// reads 1. The 4-suffixed form reads four consecutive samples from s (a multiple of 4).
#define FF_INPUT4(IN, rowOf, i, s) ((i) == nIn ? vec4(1.0) : IN##4[((rowOf) + (s)) >> 2])
#define FF_INPUT1(IN, rowOf, i, s) ((i) == nIn ? 1.0 : IN((rowOf) + (s)))

// The sample loop of the weight gradient, with the layer's input buffer fixed so no load sits behind a branch.
#define FF_GRADIENT_LOOPS(IN, ROW) \
    if (pc.mode == 1u) \
    { \
        vec4 acc4[FUSED_RB][FUSED_CB]; \
        [[unroll]] for (int r = 0; r < FUSED_RB; r++) \
            [[unroll]] for (int c = 0; c < FUSED_CB; c++) acc4[r][c] = vec4(0.0); \
        for (uint s = first; s < last; s += 4u) \
        { \
            vec4 d[FUSED_RB], a[FUSED_CB]; \
            [[unroll]] for (int r = 0; r < FUSED_RB; r++) d[r] = deltas4[(ff_row(l, min(j0 + uint(r), nOut - 1u)) + s) >> 2]; \
            [[unroll]] for (int c = 0; c < FUSED_CB; c++) { uint i = min(c0 + uint(c), nIn); a[c] = FF_INPUT4(IN, ROW(min(i, nIn - 1u)), i, s); } \
            [[unroll]] for (int r = 0; r < FUSED_RB; r++) \
                [[unroll]] for (int c = 0; c < FUSED_CB; c++) acc4[r][c] += d[r] * a[c]; \
        } \
        [[unroll]] for (int r = 0; r < FUSED_RB; r++) \
            [[unroll]] for (int c = 0; c < FUSED_CB; c++) acc[r][c] = (acc4[r][c].x + acc4[r][c].y) + (acc4[r][c].z + acc4[r][c].w); \
    } \
    else \
    { \
        for (uint s = first; s < last; s++) \
        { \
            float d[FUSED_RB], a[FUSED_CB]; \
            [[unroll]] for (int r = 0; r < FUSED_RB; r++) d[r] = deltas(ff_row(l, min(j0 + uint(r), nOut - 1u)) + s); \
            [[unroll]] for (int c = 0; c < FUSED_CB; c++) { uint i = min(c0 + uint(c), nIn); a[c] = FF_INPUT1(IN, ROW(min(i, nIn - 1u)), i, s); } \
            [[unroll]] for (int r = 0; r < FUSED_RB; r++) \
                [[unroll]] for (int c = 0; c < FUSED_CB; c++) acc[r][c] += d[r] * a[c]; \
        } \
    }
#define FF_INPUT_ROW(i) ((i) * pc.count)
#define FF_HIDDEN_ROW(i) ff_row(l - 1u, (i))

// dW of layer l over this workgroup's tile: FUSED_RB x FUSED_CB blocks (columns include the bias), each summed over the
// tile's samples in registers and written once into the workgroup's partials slice. With pc.mode == 1 (batch size a
// multiple of 4) the samples are read four at a time.
void ff_weight_gradient(uint l)
{
    uint nIn = ff_layer_inputs(l), nOut = ff_layer_outputs(l);
    uint rowBlocks = (nOut + FUSED_RB - 1u) / FUSED_RB;
    // The bias is column nIn. When nIn is a multiple of FUSED_CB it would fill a block of its own, FUSED_CB columns of
    // loads and products for one useful column: those rows' bias sums run in cheap bias-only blocks after the others.
    bool biasApart = nIn % FUSED_CB == 0u;
    uint colBlocks = biasApart ? nIn / FUSED_CB : (nIn + FUSED_CB) / FUSED_CB;
    uint first = gl_WorkGroupID.x * FUSED_TILE;
    uint last = min(first + FUSED_TILE, pc.count);
    uint slice = gl_WorkGroupID.x * pc.stride + ff_layer_offset(l);
    // Bias-only blocks: sum_s delta_j(s) for FUSED_RB rows, on the invocations the weight blocks left least loaded.
    uint weightBlocks = rowBlocks * colBlocks;
    for (uint block = (gl_LocalInvocationID.x + FUSED_LANES - weightBlocks % FUSED_LANES) % FUSED_LANES; block < (biasApart ? rowBlocks : 0u);
         block += FUSED_LANES)
    {
        uint j0 = block * FUSED_RB;
        float acc[FUSED_RB];
        if (pc.mode == 1u)
        {
            vec4 acc4[FUSED_RB];
            [[unroll]] for (int r = 0; r < FUSED_RB; r++) acc4[r] = vec4(0.0);
            for (uint s = first; s < last; s += 4u)
                [[unroll]] for (int r = 0; r < FUSED_RB; r++) acc4[r] += deltas4[(ff_row(l, min(j0 + uint(r), nOut - 1u)) + s) >> 2];
            [[unroll]] for (int r = 0; r < FUSED_RB; r++) acc[r] = (acc4[r].x + acc4[r].y) + (acc4[r].z + acc4[r].w);
        }
        else
        {
            [[unroll]] for (int r = 0; r < FUSED_RB; r++) acc[r] = 0.0;
            for (uint s = first; s < last; s++)
                [[unroll]] for (int r = 0; r < FUSED_RB; r++) acc[r] += deltas(ff_row(l, min(j0 + uint(r), nOut - 1u)) + s);
        }
        [[unroll]] for (int r = 0; r < FUSED_RB; r++)
        {
            uint j = j0 + uint(r);
            if (j >= nOut) break;
            partials[slice + nOut * nIn + j] = acc[r];
        }
    }
    for (uint block = gl_LocalInvocationID.x; block < weightBlocks; block += FUSED_LANES)
    {
        uint j0 = (block / colBlocks) * FUSED_RB, c0 = (block % colBlocks) * FUSED_CB;
        float acc[FUSED_RB][FUSED_CB];
        [[unroll]] for (int r = 0; r < FUSED_RB; r++)
            [[unroll]] for (int c = 0; c < FUSED_CB; c++) acc[r][c] = 0.0;
        if (l == 0u) { FF_GRADIENT_LOOPS(inputValues, FF_INPUT_ROW) }
        else { FF_GRADIENT_LOOPS(post, FF_HIDDEN_ROW) }
        [[unroll]] for (int r = 0; r < FUSED_RB; r++)
        {
            uint j = j0 + uint(r);
            if (j >= nOut) break;
            [[unroll]] for (int c = 0; c < FUSED_CB; c++)
            {
                uint i = c0 + uint(c);
                if (i > nIn) break;
                partials[slice + (i < nIn ? j * nIn + i : nOut * nIn + j)] = acc[r][c];
            }
        }
    }
}

void main()
{
    uint L = pc.hiddenLayers;
    // Output deltas dL/dz of this invocation's samples (zero for samples past the batch).
    for (uint o = 0u; o < pc.outputs; o++)
        [[unroll]] for (int k = 0; k < FUSED_K; k++)
        {
            uint s = ff_sample(uint(k));
            if (s >= pc.count) continue;
            uint row = ff_row(L, o) + s;
            deltas(row) = outputGrad[o * pc.count + s] * ff_activate_derivative(acts[row], pc.outputActivation);
        }
    for (int li = int(L); li >= 0; li--)
    {
        uint l = uint(li);
        uint nIn = ff_layer_inputs(l), nOut = ff_layer_outputs(l), stride = ff_stride4(nIn);
        uint base = ff_packed_offset(l);
        memoryBarrierBuffer();
        barrier();  // this layer's deltas of the whole tile are written
        ff_weight_gradient(l);
        if (l > 0u)
        {
            // Deltas of layer l-1: g[k][i] = sum_j W[j][i] d_j(k), then times act'(z).
            float g[FUSED_K][WIDTH];
            [[unroll]] for (int k = 0; k < FUSED_K; k++)
                [[unroll]] for (int i = 0; i < WIDTH; i++) g[k][i] = 0.0;
            for (uint j = 0u; j < nOut; j++)
            {
                float d[FUSED_K];
                [[unroll]] for (int k = 0; k < FUSED_K; k++) d[k] = deltas(ff_row(l, j) + ff_load_index(uint(k)));
                [[unroll]] for (int i = 0; i < WIDTH; i += 4)
                {
                    vec4 w = P4[(base + j * WIDTH + uint(i)) >> 2];
                    [[unroll]] for (int k = 0; k < FUSED_K; k++)
                    {
                        g[k][i] += w.x * d[k];
                        g[k][i + 1] += w.y * d[k];
                        g[k][i + 2] += w.z * d[k];
                        g[k][i + 3] += w.w * d[k];
                    }
                }
            }
            [[unroll]] for (int k = 0; k < FUSED_K; k++)
            {
                uint s = ff_sample(uint(k));
                if (s >= pc.count) continue;
                [[unroll]] for (int i = 0; i < WIDTH; i++)
                {
                    uint row = ff_row(l - 1u, uint(i)) + s;
                    deltas(row) = g[k][i] * ff_activate_derivative(acts[row], pc.hiddenActivation);
                }
            }
        }
        else if (pc.layer != 0u)
        {
            // dL/dinput: the layer-0 deltas in registers, one input unit at a time.
            float d[FUSED_K][WIDTH];
            [[unroll]] for (int k = 0; k < FUSED_K; k++)
                [[unroll]] for (int j = 0; j < WIDTH; j++) d[k][j] = deltas(ff_row(0u, uint(j)) + ff_load_index(uint(k)));
            for (uint i = 0u; i < nIn; i += 4u)
            {
                vec4 g[FUSED_K];
                [[unroll]] for (int k = 0; k < FUSED_K; k++) g[k] = vec4(0.0);
                [[unroll]] for (int j = 0; j < WIDTH; j++)
                {
                    vec4 w = P4[(base + uint(j) * stride + i) >> 2];
                    [[unroll]] for (int k = 0; k < FUSED_K; k++) g[k] += w * d[k][j];
                }
                [[unroll]] for (int k = 0; k < FUSED_K; k++)
                {
                    uint s = ff_sample(uint(k));
                    if (s >= pc.count) continue;
                    [[unroll]] for (int c = 0; c < 4; c++)
                        if (i + uint(c) < nIn) inputGrad[(i + uint(c)) * pc.count + s] = g[k][c];
                }
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
// grads[offset + k] += sum over workgroups g of partials[g * stride + k], always in workgroup order (deterministic).
void main()
{
    uint k = ff_global_index();
    if (k >= pc.count) return;
    float sum = 0.0;
    for (uint g = 0u; g < pc.chunk; g++) sum += partials[g * pc.stride + k];
    grads[pc.weightOffset + k] += sum;
}
#endif
