// Value-only simplex noise for FF_NOISE_WIDE samples at once (one invocation fills several neighbouring grid samples).
// Every operation is the component-wise form of noise_simplex.glsl / noise_fractal.glsl in the same order, so each
// component equals what the one-sample kernels (and the C# reference) compute. Not for tiled or gradient variants.
// Why several samples per invocation:
//  - the per-invocation costs (index math, bounds check, and on CPU drivers such as lavapipe the per-subgroup
//    coroutine and the per-lane store loop) are paid once per FF_NOISE_WIDE samples;
//  - the samples are independent chains, so the long integer-multiply latencies of the hash overlap (ILP on any device);
//  - uniform values (push constants) are read once per invocation instead of once per octave (lavapipe loads them
//    lane by lane).
// The lattice hash uses (i + 1) * A == i * A + A (mod 2^32): one multiply per axis per octave instead of one per axis per
// corner, bit-identical to ff_hash. Needs noise_push.glsl (pc), noise_simplex.glsl and noise_fractal.glsl.
#ifndef FF_NOISE_WIDE_GLSL
#define FF_NOISE_WIDE_GLSL

#if FF_NOISE_WIDE != 4
#error FF_NOISE_WIDE must be 4 (the kernels build their four x coordinates and stores as vec4 components)
#endif
#define FV vec4
#define IV ivec4
#define UV uvec4
#define BV bvec4

const uint FF_HASH_A = 0x8DA6B343u, FF_HASH_B = 0xD8163841u, FF_HASH_C = 0xCB1AB31Fu, FF_HASH_D = 0x165667B1u;

// ff_hash's finaliser on the already combined seed ^ i*A ^ j*B ^ ...
UV ff_hash_mix_w(UV h)
{
    h ^= h >> 16u; h *= 0x7FEB352Du;
    h ^= h >> 15u; h *= 0x846CA68Bu;
    h ^= h >> 16u;
    return h;
}

// Lattice-axis product of corner (v + o), o in {0, 1}: v * M + (o ? M : 0).
UV ff_step_w(UV vm, BV o, uint m) { return vm + mix(UV(0u), UV(m), o); }

FV ff_corner2_w(UV h, FV x, FV y)
{
    FV s1 = mix(FV(1.0), FV(-1.0), notEqual(h & 1u, UV(0u)));
    FV s2 = mix(FV(1.0), FV(-1.0), notEqual(h & 2u, UV(0u)));
    BV diag = notEqual(h & 4u, UV(0u)), alongY = notEqual(h & 2u, UV(0u));
    FV gx = mix(mix(s1, FV(0.0), alongY), s1 * FF_DIAGONAL, diag);
    FV gy = mix(mix(FV(0.0), s1, alongY), s2 * FF_DIAGONAL, diag);
    precise FV t = max(0.8 - (x * x + y * y), FV(0.0));
    precise FV t2 = t * t;
    precise FV t4 = t2 * t2;
    precise FV g = gx * x + gy * y;
    precise FV r = t4 * g;
    return r;
}

FV ff_noise2_w(FV x, FV y, uint seed)
{
    precise FV u = x + y * 0.5;
    FV fi = floor(u), fj = floor(y);
    precise FV ru = u - fi;
    precise FV rv = y - fj;
    BV xFirst = greaterThanEqual(ru, rv);
    precise FV x0 = x - (fi - fj * 0.5);
    precise FV y0 = y - fj;
    precise FV x1 = x0 - mix(FV(-0.5), FV(1.0), xFirst);
    precise FV y1 = y0 - mix(FV(1.0), FV(0.0), xFirst);
    precise FV x2 = x0 - 0.5;
    precise FV y2 = y0 - 1.0;
    UV ia = UV(IV(fi)) * FF_HASH_A, jb = UV(IV(fj)) * FF_HASH_B;
    BV yFirst = not(xFirst);
    precise FV n = ff_corner2_w(ff_hash_mix_w(seed ^ ia ^ jb), x0, y0);
    n += ff_corner2_w(ff_hash_mix_w(seed ^ ff_step_w(ia, xFirst, FF_HASH_A) ^ ff_step_w(jb, yFirst, FF_HASH_B)), x1, y1);
    n += ff_corner2_w(ff_hash_mix_w(seed ^ (ia + FF_HASH_A) ^ (jb + FF_HASH_B)), x2, y2);
    precise FV r = FF_SCALE2 * n;
    return r;
}

// A BCC corner (a, b, c) with its hash already combined (seed ^ a*A ^ b*B ^ c*C).
FV ff_corner3_w(UV h, IV a, IV b, IV c, FV x, FV y, FV z)
{
    precise FV cx = x - 0.5 * FV(-a + b + c);
    precise FV cy = y - 0.5 * FV(a - b + c);
    precise FV cz = z - 0.5 * FV(a + b - c);
    h = ff_hash_mix_w(h) & 15u;
    FV su = mix(FV(1.0), FV(-1.0), notEqual(h & 1u, UV(0u)));
    FV sv = mix(FV(1.0), FV(-1.0), notEqual(h & 2u, UV(0u)));
    BV vIsX = equal(h | 2u, UV(14u)); // h == 12 || h == 14
    BV vIsY = lessThan(h, UV(4u));
    BV lt8 = lessThan(h, UV(8u));
    precise FV gx = mix(FV(0.0), su, lt8) + mix(FV(0.0), sv, vIsX);
    precise FV gy = mix(su, FV(0.0), lt8) + mix(FV(0.0), sv, vIsY);
    FV gz = mix(mix(sv, FV(0.0), vIsX), FV(0.0), vIsY);
    precise FV t = max(0.5 - (cx * cx + cy * cy + cz * cz), FV(0.0));
    precise FV t2 = t * t;
    precise FV t3 = t2 * t;
    precise FV g = gx * cx + gy * cy + gz * cz;
    precise FV r = t3 * g;
    return r;
}

FV ff_noise3_w(FV x, FV y, FV z, uint seed)
{
    precise FV u = y + z;
    precise FV v = x + z;
    precise FV w = x + y;
    FV fa = floor(u), fb = floor(v), fc = floor(w);
    precise FV ru = u - fa;
    precise FV rv = v - fb;
    precise FV rw = w - fc;
    IV a0 = IV(fa), b0 = IV(fb), c0 = IV(fc);
    // psrdnoise's simplex selection, as ff_noise3: corner 1 adds (g & l), corner 2 adds (g | l) per axis.
    BV gA = greaterThan(ru, rw), gB = greaterThanEqual(rv, ru), gC = greaterThanEqual(rw, rv);
    BV lA = greaterThan(ru, rv), lB = greaterThan(rv, rw), lC = greaterThanEqual(rw, ru);
    IV gi = IV(gA), gj = IV(gB), gk = IV(gC), li = IV(lA), lj = IV(lB), lk = IV(lC);
    IV a1 = a0 + (gi & li), b1 = b0 + (gj & lj), c1 = c0 + (gk & lk);
    IV a2 = a0 + (gi | li), b2 = b0 + (gj | lj), c2 = c0 + (gk | lk);
    UV am = UV(a0) * FF_HASH_A, bm = UV(b0) * FF_HASH_B, cm = UV(c0) * FF_HASH_C;
    // (a0 + d) * A for d in {0, 1}: am + d * A without a multiply (d * A == (0 - d) & A).
    precise FV n = ff_corner3_w(seed ^ am ^ bm ^ cm, a0, b0, c0, x, y, z);
    n += ff_corner3_w(seed ^ (am + ((UV(0u) - UV(a1 - a0)) & FF_HASH_A)) ^ (bm + ((UV(0u) - UV(b1 - b0)) & FF_HASH_B))
                           ^ (cm + ((UV(0u) - UV(c1 - c0)) & FF_HASH_C)), a1, b1, c1, x, y, z);
    n += ff_corner3_w(seed ^ (am + ((UV(0u) - UV(a2 - a0)) & FF_HASH_A)) ^ (bm + ((UV(0u) - UV(b2 - b0)) & FF_HASH_B))
                           ^ (cm + ((UV(0u) - UV(c2 - c0)) & FF_HASH_C)), a2, b2, c2, x, y, z);
    n += ff_corner3_w(seed ^ (am + FF_HASH_A) ^ (bm + FF_HASH_B) ^ (cm + FF_HASH_C), a0 + 1, b0 + 1, c0 + 1, x, y, z);
    precise FV r = FF_SCALE3 * n;
    return r;
}

FV ff_corner4_w(UV h, FV x, FV y, FV z, FV w)
{
    h = ff_hash_mix_w(h) & 31u;
    FV u = mix(y, x, lessThan(h, UV(24u))), v = mix(z, y, lessThan(h, UV(16u))), s = mix(w, z, lessThan(h, UV(8u)));
    FV su = mix(FV(1.0), FV(-1.0), notEqual(h & 1u, UV(0u)));
    FV sv = mix(FV(1.0), FV(-1.0), notEqual(h & 2u, UV(0u)));
    FV ss = mix(FV(1.0), FV(-1.0), notEqual(h & 4u, UV(0u)));
    precise FV g = su * u + sv * v + ss * s;
    precise FV t = max(0.5 - (x * x + y * y + z * z + w * w), FV(0.0));
    precise FV t2 = t * t;
    precise FV r = t2 * t2 * g;
    return r;
}

// The corner whose coordinates with rank >= threshold are stepped by one (ff_noise4's o1/o2/o3 corners).
FV ff_step4_w(uint seed, UV im, UV jm, UV km, UV lm, IV rx, IV ry, IV rz, IV rw, int threshold, FV x0, FV y0, FV z0, FV w0, float g)
{
    BV oi = greaterThanEqual(rx, IV(threshold)), oj = greaterThanEqual(ry, IV(threshold));
    BV ok = greaterThanEqual(rz, IV(threshold)), ol = greaterThanEqual(rw, IV(threshold));
    UV h = seed ^ ff_step_w(im, oi, FF_HASH_A) ^ ff_step_w(jm, oj, FF_HASH_B) ^ ff_step_w(km, ok, FF_HASH_C) ^ ff_step_w(lm, ol, FF_HASH_D);
    return ff_corner4_w(h, x0 - FV(oi) + g, y0 - FV(oj) + g, z0 - FV(ok) + g, w0 - FV(ol) + g);
}

FV ff_noise4_w(FV x, FV y, FV z, FV w, uint seed)
{
    precise FV s = (x + y + z + w) * FF_F4;
    precise FV sx = x + s;
    precise FV sy = y + s;
    precise FV sz = z + s;
    precise FV sw = w + s;
    FV fi = floor(sx), fj = floor(sy), fk = floor(sz), fl = floor(sw);
    precise FV t = (fi + fj + fk + fl) * FF_G4;
    precise FV x0 = x - (fi - t);
    precise FV y0 = y - (fj - t);
    precise FV z0 = z - (fk - t);
    precise FV w0 = w - (fl - t);
    IV xy = IV(greaterThan(x0, y0)), xz = IV(greaterThan(x0, z0)), xw = IV(greaterThan(x0, w0));
    IV yz = IV(greaterThan(y0, z0)), yw = IV(greaterThan(y0, w0)), zw = IV(greaterThan(z0, w0));
    IV rx = xy + xz + xw, ry = (1 - xy) + yz + yw, rz = (1 - xz) + (1 - yz) + zw, rw = (1 - xw) + (1 - yw) + (1 - zw);
    UV im = UV(IV(fi)) * FF_HASH_A, jm = UV(IV(fj)) * FF_HASH_B, km = UV(IV(fk)) * FF_HASH_C, lm = UV(IV(fl)) * FF_HASH_D;
    UV h0 = seed ^ im ^ jm ^ km ^ lm;
    precise FV n = ff_corner4_w(h0, x0, y0, z0, w0);
    // Written out rather than looped: lavapipe keeps a 3-trip loop (and its per-step constant) as a real loop.
    n += ff_step4_w(seed, im, jm, km, lm, rx, ry, rz, rw, 3, x0, y0, z0, w0, FF_G4);
    n += ff_step4_w(seed, im, jm, km, lm, rx, ry, rz, rw, 2, x0, y0, z0, w0, FF_G4X2);
    n += ff_step4_w(seed, im, jm, km, lm, rx, ry, rz, rw, 1, x0, y0, z0, w0, FF_G4X3);
    n += ff_corner4_w(seed ^ (im + FF_HASH_A) ^ (jm + FF_HASH_B) ^ (km + FF_HASH_C) ^ (lm + FF_HASH_D),
                      x0 - 1.0 + FF_G4X4, y0 - 1.0 + FF_G4X4, z0 - 1.0 + FF_G4X4, w0 - 1.0 + FF_G4X4);
    precise FV result = FF_SCALE4 * n;
    return result;
}

// ---- fractal sums and warp (ff_fractal* / ff_sample* with FF_NOISE_WIDE samples) ------------------------------

FV ff_fold_w(FV n, uint mode)
{
    if (mode == FF_MODE_BILLOW)
    {
        precise FV b = 2.0 * abs(n) - 1.0;
        return b;
    }
    if (mode == FF_MODE_RIDGED)
    {
        precise FV r = 1.0 - abs(n);
        precise FV m = 2.0 * r * r - 1.0;
        return m;
    }
    return n;
}

// The octave loop's uniforms, read once per invocation.
struct FfOctaves { uint count; float frequency, lacunarity, gain; };
FfOctaves ff_octaves_w() { return FfOctaves(pc.octaves, pc.frequency, pc.lacunarity, pc.gain); }

FV ff_fractal2_w(FV x, FV y, uint seed, uint mode, FfOctaves o)
{
    precise FV sum = FV(0.0);
    precise float amp = 1.0, freq = o.frequency;
    for (uint k = 0u; k < o.count; k++)
    {
        precise FV sx = x * freq;
        precise FV sy = y * freq;
        precise FV m = ff_fold_w(ff_noise2_w(sx, sy, seed + k), mode);
        sum += amp * m;
        amp *= o.gain; freq *= o.lacunarity;
    }
    return sum;
}

FV ff_fractal3_w(FV x, FV y, FV z, uint seed, uint mode, FfOctaves o)
{
    precise FV sum = FV(0.0);
    precise float amp = 1.0, freq = o.frequency;
    for (uint k = 0u; k < o.count; k++)
    {
        precise FV sx = x * freq;
        precise FV sy = y * freq;
        precise FV sz = z * freq;
        precise FV m = ff_fold_w(ff_noise3_w(sx, sy, sz, seed + k), mode);
        sum += amp * m;
        amp *= o.gain; freq *= o.lacunarity;
    }
    return sum;
}

FV ff_fractal4_w(FV x, FV y, FV z, FV w, uint seed, uint mode, FfOctaves o)
{
    precise FV sum = FV(0.0);
    precise float amp = 1.0, freq = o.frequency;
    for (uint k = 0u; k < o.count; k++)
    {
        precise FV sx = x * freq;
        precise FV sy = y * freq;
        precise FV sz = z * freq;
        precise FV sw = w * freq;
        precise FV m = ff_fold_w(ff_noise4_w(sx, sy, sz, sw, seed + k), mode);
        sum += amp * m;
        amp *= o.gain; freq *= o.lacunarity;
    }
    return sum;
}

FV ff_sample2_w(FV px, FV py)
{
    FfOctaves o = ff_octaves_w();
    uint seed = pc.seed;
    float ws = pc.warpScale;
    precise FV qx = px, qy = py;
    for (int s = 0; FF_NOISE_WARP && s < int(pc.warpStages); s++)
    {
        precise FV wx = ff_fractal2_w(qx, qy, ff_warp_seed(seed, s, 0), FF_MODE_FBM, o);
        precise FV wy = ff_fractal2_w(qx, qy, ff_warp_seed(seed, s, 1), FF_MODE_FBM, o);
        qx = px + ws * wx; qy = py + ws * wy;
    }
    precise FV v = ff_fractal2_w(qx, qy, seed, pc.mode, o);
    precise FV r = pc.scale * v + pc.offset;
    return r;
}

FV ff_sample3_w(FV px, FV py, FV pz)
{
    FfOctaves o = ff_octaves_w();
    uint seed = pc.seed;
    float ws = pc.warpScale;
    precise FV qx = px, qy = py, qz = pz;
    for (int s = 0; FF_NOISE_WARP && s < int(pc.warpStages); s++)
    {
        precise FV wx = ff_fractal3_w(qx, qy, qz, ff_warp_seed(seed, s, 0), FF_MODE_FBM, o);
        precise FV wy = ff_fractal3_w(qx, qy, qz, ff_warp_seed(seed, s, 1), FF_MODE_FBM, o);
        precise FV wz = ff_fractal3_w(qx, qy, qz, ff_warp_seed(seed, s, 2), FF_MODE_FBM, o);
        qx = px + ws * wx; qy = py + ws * wy; qz = pz + ws * wz;
    }
    precise FV v = ff_fractal3_w(qx, qy, qz, seed, pc.mode, o);
    precise FV r = pc.scale * v + pc.offset;
    return r;
}

FV ff_sample4_w(FV px, FV py, FV pz, FV pw)
{
    FfOctaves o = ff_octaves_w();
    uint seed = pc.seed;
    float ws = pc.warpScale;
    precise FV qx = px, qy = py, qz = pz, qw = pw;
    for (int s = 0; FF_NOISE_WARP && s < int(pc.warpStages); s++)
    {
        precise FV wx = ff_fractal4_w(qx, qy, qz, qw, ff_warp_seed(seed, s, 0), FF_MODE_FBM, o);
        precise FV wy = ff_fractal4_w(qx, qy, qz, qw, ff_warp_seed(seed, s, 1), FF_MODE_FBM, o);
        precise FV wz = ff_fractal4_w(qx, qy, qz, qw, ff_warp_seed(seed, s, 2), FF_MODE_FBM, o);
        precise FV ww = ff_fractal4_w(qx, qy, qz, qw, ff_warp_seed(seed, s, 3), FF_MODE_FBM, o);
        qx = px + ws * wx; qy = py + ws * wy; qz = pz + ws * wz; qw = pw + ws * ww;
    }
    precise FV r = pc.scale * ff_fractal4_w(qx, qy, qz, qw, seed, pc.mode, o) + pc.offset;
    return r;
}
#endif
