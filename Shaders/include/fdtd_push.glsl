// Push constants shared by every FDTD kernel. Mirrors FieldForge.Acoustics.FdtdPush (32 bytes).
#ifndef FDTD_PUSH_GLSL
#define FDTD_PUSH_GLSL
layout(push_constant) uniform FdtdPush
{
    uint nx;             // cells along x
    uint ny;             // cells along y
    uint nz;             // cells along z
    uint count;          // threads to run: cells, or receivers for fdtd_sample
    float velocityCoeff; // Courant number (lambda), or lambda/2 for the initial half step
    float pressureCoeff; // Courant number (lambda)
    float lossCoeff;     // lambda * beta / 2, beta = rho c / Z the walls' normalised admittance (0 = rigid)
    uint outputIndex;    // fdtd_sample: which output row to write
} pc;

// Cell mask bits (built on the CPU by RoomGrid): bit 0 = the cell is air; bits 1..6 = the neighbour across the
// -x, +x, -y, +y, -z, +z face is air too (so that face carries a velocity; otherwise it is a wall face).
const uint FDTD_AIR = 1u;
const uint FDTD_NXM = 2u;
const uint FDTD_NXP = 4u;
const uint FDTD_NYM = 8u;
const uint FDTD_NYP = 16u;
const uint FDTD_NZM = 32u;
const uint FDTD_NZP = 64u;
#endif
