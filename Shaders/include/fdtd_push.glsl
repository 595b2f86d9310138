// Push constants of the fdtd_* kernels. Mirrors FieldForge.Acoustics.FdtdPush (56 bytes).
#ifndef FDTD_PUSH_GLSL
#define FDTD_PUSH_GLSL
layout(push_constant) uniform FdtdPush
{
    uint interiorCount;  // interior vec4 groups (4 cells along x whose 6 neighbours are all air) to update
    uint boundaryCount;  // boundary cells (every other air cell) to update
    uint receiverCount;  // receivers to sample from the current field (0 = no sampling in this dispatch)
    uint outputRow;      // output row the receiver samples go to
    uint rowStride;      // vec4 groups per padded grid row (the padded row length / 4)
    uint planeStride;    // vec4 groups per padded grid plane
    uint pad0;
    uint pad1;
    float interiorSelf;  // interior: p^{n+1} = interiorSelf p + lap * (sum of the 6 neighbours) - previous * p^{n-1}
    float lap;           // lambda^2 (lambda^2 / 2 on the first step)
    float self;          // boundary: ((self - selfLoss a) p + lap (sum - K p) - previous (1 - a) p^{n-1}) / (1 + a)
    float selfLoss;      // 0, or 1 on the first step (p^1 = ((1 - a) p^0 + lambda^2/2 lap p^0) / (1 + a))
    float previous;      // 1, or 0 on the first step (no p^{-1})
    float loss;          // lambda * beta / 2 per wall face, beta = rho c / Z the walls' normalised admittance (0 = rigid)
} pc;
#endif
