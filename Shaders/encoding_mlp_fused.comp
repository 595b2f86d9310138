#version 450
// Fused encoding + MLP inference: one dispatch from points to outputs. A workgroup carries a tile of FIELD_TILE
// points; each invocation owns FIELD_K of them (register blocking: every weight load feeds FIELD_K samples). The
// multiresolution encoding never goes to buffer memory: each level's features of the invocation's points are computed
// (lattice vertices, weights, table lookups), staged in shared memory and multiplied four columns at a time into the
// first layer's pre-activations, which stay in registers. Hidden activations go through shared memory (WIDTH x
// FIELD_TILE floats: 32 KiB at width 64), written and read back only by the invocation that owns the point, so no
// barrier is needed anywhere. Only the outputs reach memory. The encoding's arithmetic is the same as encoding.comp's
// (same lattice code, same summation order per feature); the MLP's matches mlp_fused.comp up to summation order.
// Weights come packed by mlp_pack_weights (rows padded to whole vec4s). Mirrors FieldForge.Neural.NeuralField
// (FusedPush, 48 bytes; FusedTile).
//! kernel field_fused_grid_2d_w16 GRID DIMS=2 WIDTH=16
//! kernel field_fused_grid_2d_w32 GRID DIMS=2 WIDTH=32
//! kernel field_fused_grid_2d_w64 GRID DIMS=2 WIDTH=64
//! kernel field_fused_grid_3d_w16 GRID DIMS=3 WIDTH=16
//! kernel field_fused_grid_3d_w32 GRID DIMS=3 WIDTH=32
//! kernel field_fused_grid_3d_w64 GRID DIMS=3 WIDTH=64
//! kernel field_fused_grid_4d_w16 GRID DIMS=4 WIDTH=16
//! kernel field_fused_grid_4d_w32 GRID DIMS=4 WIDTH=32
//! kernel field_fused_grid_4d_w64 GRID DIMS=4 WIDTH=64
//! kernel field_fused_simplex_2d_w16 SIMPLEX DIMS=2 WIDTH=16
//! kernel field_fused_simplex_2d_w32 SIMPLEX DIMS=2 WIDTH=32
//! kernel field_fused_simplex_2d_w64 SIMPLEX DIMS=2 WIDTH=64
//! kernel field_fused_simplex_3d_w16 SIMPLEX DIMS=3 WIDTH=16
//! kernel field_fused_simplex_3d_w32 SIMPLEX DIMS=3 WIDTH=32
//! kernel field_fused_simplex_3d_w64 SIMPLEX DIMS=3 WIDTH=64
//! kernel field_fused_simplex_4d_w16 SIMPLEX DIMS=4 WIDTH=16
//! kernel field_fused_simplex_4d_w32 SIMPLEX DIMS=4 WIDTH=32
//! kernel field_fused_simplex_4d_w64 SIMPLEX DIMS=4 WIDTH=64
#extension GL_EXT_control_flow_attributes : require
#define FIELD_LANES 32
#define FIELD_K 4
#define FIELD_TILE (FIELD_LANES * FIELD_K)
// Staged feature columns (8: a level adds at most 8 while at most 3 wait for a whole group of 4).
#define FIELD_RING 8
layout(local_size_x = FIELD_LANES) in;
#include "ff_common.glsl"
#include "hash.glsl"

#define FF_PUSH_DECLARED
layout(push_constant) uniform Push
{
    uint count;             // points (also the stride of the feature-major point and output buffers)
    uint inputs;            // MLP inputs = levels * features
    uint outputs;
    uint width;             // = WIDTH
    uint hiddenLayers;
    uint hiddenActivation;
    uint outputActivation;
    uint weightOffset;      // unused: the packed weights start at 0
    uint levels;
    uint features;          // per level (1..8)
    uint paramOffset;       // first float of the encoding's tables in the parameter buffer
    uint pad;
} pc;

#include "encoding_common.glsl"
#include "simplex_lattice.glsl"
#include "grid_lattice.glsl"
#include "mlp_common.glsl"

layout(std430, binding = 0) readonly buffer Points { float points[]; };
layout(std430, binding = 1) readonly buffer Levels { EncodingLevel levelInfo[]; };
layout(std430, binding = 2) readonly buffer Params { float params[]; };
// The packed weights through a texel view: every invocation reads the same weights, and a texel fetch is one SIMD
// gather on CPU drivers where a storage-buffer load is a loop over the lanes.
layout(binding = 3) uniform samplerBuffer packedWeights;
#define P4_AT(i) texelFetch(packedWeights, int(i))
layout(std430, binding = 4) writeonly buffer Output { float outputValues[]; };
#define packedScalar(i) P4_AT((i) >> 2)[(i) & 3u]

#ifdef GRID
#define VERTICES (1 << DIMS)
#else
#define VERTICES (DIMS + 1)
#endif

// Hidden activations of the tile: unit i of the point in slot t at [i * FIELD_TILE + t] (consecutive lanes, consecutive words).
shared float tileActs[WIDTH * FIELD_TILE];

uint ff_slot(int k) { return uint(k) * FIELD_LANES + gl_LocalInvocationID.x; }
uint ff_point(int k) { return gl_WorkGroupID.x * FIELD_TILE + ff_slot(k); }
// Points past the end compute on point 0 (finite values) and are never stored.
uint ff_load_index(int k) { uint s = ff_point(k); return s < pc.count ? s : 0u; }

void main()
{
    // ---- layer 0, fed level by level from the encoding -------------------------------------------------------------
    uint base = ff_packed_offset(0u), stride = ff_stride4(pc.inputs);
    float z[FIELD_K][WIDTH];
    [[unroll]] for (int j = 0; j < WIDTH; j++)
    {
        float b = packedScalar(base + WIDTH * stride + uint(j));
        [[unroll]] for (int k = 0; k < FIELD_K; k++) z[k][j] = b;
    }
    float x[FIELD_K][DIMS];
    [[unroll]] for (int k = 0; k < FIELD_K; k++)
        [[unroll]] for (int d = 0; d < DIMS; d++) x[k][d] = clamp(points[uint(d) * pc.count + ff_load_index(k)], 0.0, 1.0);
    // Ring slots start at zero: the last partial group reads columns past the inputs (times zero weights).
    [[unroll]] for (int c = 0; c < FIELD_RING; c++)
        [[unroll]] for (int k = 0; k < FIELD_K; k++) tileActs[uint(c) * FIELD_TILE + ff_slot(k)] = 0.0;
    uint done = 0u;  // columns already multiplied into z
    for (uint l = 0u; l < pc.levels; l++)
    {
        EncodingLevel lv = levelInfo[l];
        uint tableBase = pc.paramOffset + lv.offset;
        uint entry[FIELD_K][VERTICES];
        float weight[FIELD_K][VERTICES];
        [[unroll]] for (int k = 0; k < FIELD_K; k++)
        {
            precise float pos[DIMS];
            [[unroll]] for (int d = 0; d < DIMS; d++) pos[d] = x[k][d] * lv.scale;
            uint vertex[VERTICES][DIMS];
            float w[VERTICES];
#ifdef GRID
            ff_grid_vertices(pos, vertex, w);
#else
            ff_simplex_vertices(pos, vertex, w);
#endif
            [[unroll]] for (int c = 0; c < VERTICES; c++)
            {
                entry[k][c] = tableBase + ff_lattice_index(vertex[c], lv) * pc.features;
                weight[k][c] = w[c];
            }
        }
        // Feature f of this level is MLP input column l * F + f. Columns are staged in a ring of FIELD_RING columns
        // (in the tile's shared memory, unused until layer 0 is done) and multiplied into z four at a time, so each
        // weight load is one vec4 (4 columns) feeding FIELD_K samples, as in the MLP's own layers.
        for (uint f = 0u; f < pc.features; f++)
        {
            uint ring = ((l * pc.features + f) & (FIELD_RING - 1u)) * FIELD_TILE;
            [[unroll]] for (int k = 0; k < FIELD_K; k++)
            {
                float acc = 0.0;
                [[unroll]] for (int c = 0; c < VERTICES; c++) acc += weight[k][c] * params[entry[k][c] + f];
                tileActs[ring + ff_slot(k)] = acc;
            }
        }
        // Whole groups of four staged columns (a loop, not an if: CPU drivers skip a loop no lane enters, but run both
        // sides of an if). After the last level the partial group runs too: its missing columns have zero weights.
        uint staged = l + 1u == pc.levels ? pc.inputs + 3u : (l + 1u) * pc.features;
        for (; done + 4u <= staged; done += 4u)
        {
            vec4 a[FIELD_K];
            [[unroll]] for (int k = 0; k < FIELD_K; k++)
                [[unroll]] for (int c = 0; c < 4; c++) a[k][c] = tileActs[((done + uint(c)) & (FIELD_RING - 1u)) * FIELD_TILE + ff_slot(k)];
            [[unroll]] for (int j = 0; j < WIDTH; j++)
            {
                vec4 w = P4_AT((base + uint(j) * stride + done) >> 2);
                [[unroll]] for (int k = 0; k < FIELD_K; k++) z[k][j] += dot(w, a[k]);
            }
        }
    }

    // ---- hidden layers 1.. : activations of the previous layer from shared memory ----------------------------------
    for (uint l = 1u; l < pc.hiddenLayers; l++)
    {
        [[unroll]] for (int k = 0; k < FIELD_K; k++)
            [[unroll]] for (int j = 0; j < WIDTH; j++) tileActs[uint(j) * FIELD_TILE + ff_slot(k)] = ff_activate(z[k][j], pc.hiddenActivation);
        base = ff_packed_offset(l);
        [[unroll]] for (int j = 0; j < WIDTH; j++)
        {
            float b = packedScalar(base + WIDTH * WIDTH + uint(j));
            [[unroll]] for (int k = 0; k < FIELD_K; k++) z[k][j] = b;
        }
        for (uint i = 0u; i < WIDTH; i += 4u)
        {
            vec4 a[FIELD_K];
            [[unroll]] for (int k = 0; k < FIELD_K; k++)
                [[unroll]] for (int c = 0; c < 4; c++) a[k][c] = tileActs[(i + uint(c)) * FIELD_TILE + ff_slot(k)];
            [[unroll]] for (int j = 0; j < WIDTH; j++)
            {
                vec4 w = P4_AT((base + uint(j) * WIDTH + i) >> 2);
                [[unroll]] for (int k = 0; k < FIELD_K; k++) z[k][j] += dot(w, a[k]);
            }
        }
    }

    // ---- output layer: the last hidden activations in registers ----------------------------------------------------
    [[unroll]] for (int k = 0; k < FIELD_K; k++)
        [[unroll]] for (int j = 0; j < WIDTH; j++) z[k][j] = ff_activate(z[k][j], pc.hiddenActivation);
    base = ff_packed_offset(pc.hiddenLayers);
    for (uint o = 0u; o < pc.outputs; o++)
    {
        float y[FIELD_K];
        float b = packedScalar(base + pc.outputs * WIDTH + o);
        [[unroll]] for (int k = 0; k < FIELD_K; k++) y[k] = b;
        [[unroll]] for (int i = 0; i < WIDTH; i += 4)
        {
            vec4 w = P4_AT((base + o * WIDTH + uint(i)) >> 2);
            [[unroll]] for (int k = 0; k < FIELD_K; k++) y[k] += dot(w, vec4(z[k][i], z[k][i + 1], z[k][i + 2], z[k][i + 3]));
        }
        [[unroll]] for (int k = 0; k < FIELD_K; k++)
        {
            uint s = ff_point(k);
            if (s < pc.count) outputValues[o * pc.count + s] = ff_activate(y[k], pc.outputActivation);
        }
    }
}
