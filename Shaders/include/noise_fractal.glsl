// Octave sums and domain warping: a copy of FieldForge.Noise.CpuNoise's Fractal*/Sample* (same order of
// operations). Needs noise_push.glsl (pc) and noise_simplex.glsl.
#ifndef FF_NOISE_FRACTAL_GLSL
#define FF_NOISE_FRACTAL_GLSL

const uint FF_MODE_FBM = 0u, FF_MODE_RIDGED = 1u, FF_MODE_BILLOW = 2u;

// Per-octave shaping of n in [-1, 1] and its derivative dm/dn.
float ff_fold(float n, uint mode, out float dm)
{
    if (mode == FF_MODE_BILLOW)
    {
        dm = n < 0.0 ? -2.0 : 2.0;
        precise float b = 2.0 * abs(n) - 1.0;
        return b;
    }
    if (mode == FF_MODE_RIDGED)
    {
        precise float r = 1.0 - abs(n);
        precise float drm = (n < 0.0 ? 4.0 : -4.0) * r;
        dm = drm;
        precise float m = 2.0 * r * r - 1.0;
        return m;
    }
    dm = 1.0;
    return n;
}

uint ff_warp_seed(uint seed, int stage, int component) { return seed + 0x9E3779B9u * uint(1 + stage * 4 + component); }

float ff_fractal2(float x, float y, uint seed, uint mode, out vec2 d)
{
    precise float sum = 0.0, amp = 1.0, freq = pc.frequency, dx = 0.0, dy = 0.0;
    int px = pc.period.x, py = pc.period.y;
    for (uint k = 0u; k < pc.octaves; k++)
    {
        precise float sx = x * freq;
        precise float sy = y * freq;
        float nx, ny, dm;
        float n = ff_noise2(sx, sy, seed + k, px, py, nx, ny);
        precise float m = ff_fold(n, mode, dm);
        sum += amp * m;
        if (FF_NOISE_GRAD) { precise float c = amp * dm * freq; dx += c * nx; dy += c * ny; }
        amp *= pc.gain; freq *= pc.lacunarity; px *= pc.period.w; py *= pc.period.w;
    }
    d = vec2(dx, dy);
    return sum;
}

float ff_fractal3(float x, float y, float z, uint seed, uint mode, out vec3 d)
{
    precise float sum = 0.0, amp = 1.0, freq = pc.frequency, dx = 0.0, dy = 0.0, dz = 0.0;
    int px = pc.period.x, py = pc.period.y, pz = pc.period.z;
    for (uint k = 0u; k < pc.octaves; k++)
    {
        precise float sx = x * freq;
        precise float sy = y * freq;
        precise float sz = z * freq;
        vec3 nd; float dm;
        float n = ff_noise3(sx, sy, sz, seed + k, px, py, pz, nd);
        precise float m = ff_fold(n, mode, dm);
        sum += amp * m;
        if (FF_NOISE_GRAD) { precise float c = amp * dm * freq; dx += c * nd.x; dy += c * nd.y; dz += c * nd.z; }
        amp *= pc.gain; freq *= pc.lacunarity; px *= pc.period.w; py *= pc.period.w; pz *= pc.period.w;
    }
    d = vec3(dx, dy, dz);
    return sum;
}

float ff_fractal4(float x, float y, float z, float w, uint seed, uint mode)
{
    precise float sum = 0.0, amp = 1.0, freq = pc.frequency;
    for (uint k = 0u; k < pc.octaves; k++)
    {
        precise float sx = x * freq;
        precise float sy = y * freq;
        precise float sz = z * freq;
        precise float sw = w * freq;
        float dm;
        float n = ff_noise4(sx, sy, sz, sw, seed + k);
        precise float m = ff_fold(n, mode, dm);
        sum += amp * m;
        amp *= pc.gain; freq *= pc.lacunarity;
    }
    return sum;
}

// Value at p (input units) with warp, scale and offset; gradient d(value)/dp through the warp when FF_NOISE_GRAD.
float ff_sample2(vec2 p, out vec2 grad)
{
    precise float qx = p.x, qy = p.y, ws = pc.warpScale;
    precise float j00 = 1.0, j01 = 0.0, j10 = 0.0, j11 = 1.0;
    for (int s = 0; FF_NOISE_WARP && s < int(pc.warpStages); s++)
    {
        vec2 a, b;
        precise float wx = ff_fractal2(qx, qy, ff_warp_seed(pc.seed, s, 0), FF_MODE_FBM, a);
        precise float wy = ff_fractal2(qx, qy, ff_warp_seed(pc.seed, s, 1), FF_MODE_FBM, b);
        if (FF_NOISE_GRAD)
        {
            precise float ax = a.x * ws, ay = a.y * ws, bx = b.x * ws, by = b.y * ws;
            precise float n00 = 1.0 + (ax * j00 + ay * j10), n01 = ax * j01 + ay * j11;
            precise float n10 = bx * j00 + by * j10, n11 = 1.0 + (bx * j01 + by * j11);
            j00 = n00; j01 = n01; j10 = n10; j11 = n11;
        }
        qx = p.x + ws * wx; qy = p.y + ws * wy;
    }
    vec2 f;
    precise float v = ff_fractal2(qx, qy, pc.seed, pc.mode, f);
    grad = vec2(0.0);
    if (FF_NOISE_GRAD)
    {
        precise float gx = pc.scale * (f.x * j00 + f.y * j10);
        precise float gy = pc.scale * (f.x * j01 + f.y * j11);
        grad = vec2(gx, gy);
    }
    precise float r = pc.scale * v + pc.offset;
    return r;
}

float ff_sample3(vec3 p, out vec3 grad)
{
    precise float qx = p.x, qy = p.y, qz = p.z, ws = pc.warpScale;
    precise float j[9] = float[9](1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0);
    for (int s = 0; FF_NOISE_WARP && s < int(pc.warpStages); s++)
    {
        vec3 a, b, c;
        precise float wx = ff_fractal3(qx, qy, qz, ff_warp_seed(pc.seed, s, 0), FF_MODE_FBM, a);
        precise float wy = ff_fractal3(qx, qy, qz, ff_warp_seed(pc.seed, s, 1), FF_MODE_FBM, b);
        precise float wz = ff_fractal3(qx, qy, qz, ff_warp_seed(pc.seed, s, 2), FF_MODE_FBM, c);
        if (FF_NOISE_GRAD)
        {
            float w[9] = float[9](a.x, a.y, a.z, b.x, b.y, b.z, c.x, c.y, c.z);
            precise float t[9];
            for (int r = 0; r < 3; r++)
                for (int col = 0; col < 3; col++)
                {
                    precise float sum = w[3 * r] * ws * j[col] + w[3 * r + 1] * ws * j[3 + col] + w[3 * r + 2] * ws * j[6 + col];
                    t[3 * r + col] = (r == col ? 1.0 : 0.0) + sum;
                }
            j = t;
        }
        qx = p.x + ws * wx; qy = p.y + ws * wy; qz = p.z + ws * wz;
    }
    vec3 f;
    precise float v = ff_fractal3(qx, qy, qz, pc.seed, pc.mode, f);
    grad = vec3(0.0);
    if (FF_NOISE_GRAD)
    {
        precise float gx = pc.scale * (f.x * j[0] + f.y * j[3] + f.z * j[6]);
        precise float gy = pc.scale * (f.x * j[1] + f.y * j[4] + f.z * j[7]);
        precise float gz = pc.scale * (f.x * j[2] + f.y * j[5] + f.z * j[8]);
        grad = vec3(gx, gy, gz);
    }
    precise float r = pc.scale * v + pc.offset;
    return r;
}

float ff_sample4(vec4 p)
{
    precise float qx = p.x, qy = p.y, qz = p.z, qw = p.w, ws = pc.warpScale;
    for (int s = 0; FF_NOISE_WARP && s < int(pc.warpStages); s++)
    {
        precise float wx = ff_fractal4(qx, qy, qz, qw, ff_warp_seed(pc.seed, s, 0), FF_MODE_FBM);
        precise float wy = ff_fractal4(qx, qy, qz, qw, ff_warp_seed(pc.seed, s, 1), FF_MODE_FBM);
        precise float wz = ff_fractal4(qx, qy, qz, qw, ff_warp_seed(pc.seed, s, 2), FF_MODE_FBM);
        precise float ww = ff_fractal4(qx, qy, qz, qw, ff_warp_seed(pc.seed, s, 3), FF_MODE_FBM);
        qx = p.x + ws * wx; qy = p.y + ws * wy; qz = p.z + ws * wz; qw = p.w + ws * ww;
    }
    precise float r = pc.scale * ff_fractal4(qx, qy, qz, qw, pc.seed, pc.mode) + pc.offset;
    return r;
}
#endif
