#version 450
// Staggered pressure/velocity leapfrog FDTD (the standard 7-point scheme for pressure) on a cell-centred grid.
// Velocities are scaled by rho*c and stored per cell for its +x, +y, +z face (three planes of one buffer), so the
// face between cells c and c+1 along x is v[c]. Wall faces carry no stored velocity: rigid walls contribute nothing,
// impedance walls are folded into the pressure update semi-implicitly (p at the wall = mean of old and new p).
//! kernel fdtd_velocity FDTD_VELOCITY
//! kernel fdtd_pressure FDTD_PRESSURE
//! kernel fdtd_sample FDTD_SAMPLE
#define FF_WORKGROUP 128
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "fdtd_push.glsl"

#ifdef FDTD_VELOCITY
layout(std430, binding = 0) readonly buffer Mask { uint mask[]; };
layout(std430, binding = 1) readonly buffer Pressure { float p[]; };
layout(std430, binding = 2) buffer Velocity { float v[]; };
void main()
{
    uint c = ff_global_index();
    if (c >= pc.count) return;
    uint m = mask[c];
    uint n = pc.count;
    float pc0 = p[c];
    if ((m & FDTD_NXP) != 0u) v[c] -= pc.velocityCoeff * (p[c + 1u] - pc0);
    if ((m & FDTD_NYP) != 0u) v[n + c] -= pc.velocityCoeff * (p[c + pc.nx] - pc0);
    if ((m & FDTD_NZP) != 0u) v[2u * n + c] -= pc.velocityCoeff * (p[c + pc.nx * pc.ny] - pc0);
}
#endif

#ifdef FDTD_PRESSURE
layout(std430, binding = 0) readonly buffer Mask { uint mask[]; };
layout(std430, binding = 1) readonly buffer Velocity { float v[]; };
layout(std430, binding = 2) buffer Pressure { float p[]; };
void main()
{
    uint c = ff_global_index();
    if (c >= pc.count) return;
    uint m = mask[c];
    if ((m & FDTD_AIR) == 0u) return;
    uint n = pc.count;
    uint sx = pc.nx, sy = pc.nx * pc.ny;
    // Divergence over the air faces; wall faces (bit clear) are counted for the impedance loss instead.
    float div = 0.0;
    if ((m & FDTD_NXP) != 0u) div += v[c];
    if ((m & FDTD_NXM) != 0u) div -= v[c - 1u];
    if ((m & FDTD_NYP) != 0u) div += v[n + c];
    if ((m & FDTD_NYM) != 0u) div -= v[n + c - sx];
    if ((m & FDTD_NZP) != 0u) div += v[2u * n + c];
    if ((m & FDTD_NZM) != 0u) div -= v[2u * n + c - sy];
    float walls = float(6 - bitCount(m >> 1u));
    float a = pc.lossCoeff * walls;
    p[c] = ((1.0 - a) * p[c] - pc.pressureCoeff * div) / (1.0 + a);
}
#endif

#ifdef FDTD_SAMPLE
// One receiver = 8 cell indices and 8 trilinear weights (renormalised over air cells by the CPU).
struct Receiver { uint cell[8]; float weight[8]; };
layout(std430, binding = 0) readonly buffer Pressure { float p[]; };
layout(std430, binding = 1) readonly buffer Receivers { Receiver receivers[]; };
layout(std430, binding = 2) writeonly buffer Output { float outputs[]; };
void main()
{
    uint r = ff_global_index();
    if (r >= pc.count) return;
    float s = 0.0;
    for (int i = 0; i < 8; i++) s += receivers[r].weight[i] * p[receivers[r].cell[i]];
    outputs[pc.outputIndex * pc.count + r] = s;
}
#endif
