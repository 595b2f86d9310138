// Simplex lattices, hash and gradients: a line-for-line copy of FieldForge.Noise.Simplex (C#). Every float
// expression that feeds an addition is `precise`, so no fused multiply-add changes the rounding and GPU and CPU
// agree to the last bit where the hardware rounds the same way.
// 2D/3D: Gustavson & McEwan's psrdnoise lattices (sheared triangular, body-centred cubic) so integer periods wrap
// exactly; 4D: the classic skewed simplex lattice. FF_NOISE_GRAD and FF_NOISE_PERIODIC (bool constants) enable
// analytic gradients and lattice wrapping.
#ifndef FF_NOISE_SIMPLEX_GLSL
#define FF_NOISE_SIMPLEX_GLSL

const float FF_SCALE2 = 10.8;
const float FF_SCALE3 = 30.5;
const float FF_SCALE4 = 61.5;
const float FF_DIAGONAL = 0.707106781;
const float FF_F4 = 0.309016994;
const float FF_G4 = 0.138196601;
const float FF_G4X2 = 0.276393202;
const float FF_G4X3 = 0.414589803;
const float FF_G4X4 = 0.552786405;

uint ff_hash(uint seed, int i, int j, int k, int l)
{
    uint h = seed ^ (uint(i) * 0x8DA6B343u) ^ (uint(j) * 0xD8163841u) ^ (uint(k) * 0xCB1AB31Fu) ^ (uint(l) * 0x165667B1u);
    h ^= h >> 16; h *= 0x7FEB352Du;
    h ^= h >> 15; h *= 0x846CA68Bu;
    h ^= h >> 16;
    return h;
}

// Floor division by a positive integer (OpSDiv truncates toward zero; correct toward -infinity).
int ff_floor_div(int a, int b)
{
    int q = a / b;
    if (q * b > a) q--;
    return q;
}

ivec2 ff_wrap2(ivec2 v, int px, int py)
{
    if (py > 0) { int q = ff_floor_div(v.y, py); v.y -= q * py; v.x -= q * (py >> 1); }
    if (px > 0) { int q = ff_floor_div(v.x, px); v.x -= q * px; }
    return v;
}

ivec3 ff_wrap3(ivec3 v, int px, int py, int pz)
{
    int x2 = -v.x + v.y + v.z, y2 = v.x - v.y + v.z, z2 = v.x + v.y - v.z;
    if (px > 0) x2 -= ff_floor_div(x2, 2 * px) * (2 * px);
    if (py > 0) y2 -= ff_floor_div(y2, 2 * py) * (2 * py);
    if (pz > 0) z2 -= ff_floor_div(z2, 2 * pz) * (2 * pz);
    return ivec3((y2 + z2) >> 1, (x2 + z2) >> 1, (x2 + y2) >> 1);
}

float ff_corner2(uint h, float x, float y, inout float dx, inout float dy)
{
    float s1 = (h & 1u) != 0u ? -1.0 : 1.0, s2 = (h & 2u) != 0u ? -1.0 : 1.0;
    // Selects rather than if/else: lavapipe runs divergent branches as masked blocks, selects are single instructions.
    bool diag = (h & 4u) != 0u, alongY = (h & 2u) != 0u;
    float gx = diag ? s1 * FF_DIAGONAL : (alongY ? 0.0 : s1);
    float gy = diag ? s2 * FF_DIAGONAL : (alongY ? s1 : 0.0);
    precise float t = max(0.8 - (x * x + y * y), 0.0);
    precise float t2 = t * t;
    precise float t4 = t2 * t2;
    precise float g = gx * x + gy * y;
    if (FF_NOISE_GRAD)
    {
        precise float c = -8.0 * (t * t2) * g;
        precise float ndx = dx + (t4 * gx + c * x);
        precise float ndy = dy + (t4 * gy + c * y);
        dx = ndx; dy = ndy;
    }
    precise float r = t4 * g;
    return r;
}

float ff_noise2(float x, float y, uint seed, int px, int py, out float dx, out float dy)
{
    precise float u = x + y * 0.5;
    float fi = floor(u), fj = floor(y);
    int i0 = int(fi), j0 = int(fj);
    precise float ru = u - fi;
    precise float rv = y - fj;
    bool xFirst = ru >= rv;
    precise float x0 = x - (fi - fj * 0.5);
    precise float y0 = y - fj;
    precise float x1 = x0 - (xFirst ? 1.0 : -0.5);
    precise float y1 = y0 - (xFirst ? 0.0 : 1.0);
    precise float x2 = x0 - 0.5;
    precise float y2 = y0 - 1.0;
    ivec2 a = ivec2(i0, j0), b = ivec2(i0 + (xFirst ? 1 : 0), j0 + (xFirst ? 0 : 1)), c = ivec2(i0 + 1, j0 + 1);
    if (FF_NOISE_PERIODIC && (px | py) != 0) { a = ff_wrap2(a, px, py); b = ff_wrap2(b, px, py); c = ff_wrap2(c, px, py); }
    dx = 0.0; dy = 0.0;
    precise float n = ff_corner2(ff_hash(seed, a.x, a.y, 0, 0), x0, y0, dx, dy);
    n += ff_corner2(ff_hash(seed, b.x, b.y, 0, 0), x1, y1, dx, dy);
    n += ff_corner2(ff_hash(seed, c.x, c.y, 0, 0), x2, y2, dx, dy);
    if (FF_NOISE_GRAD) { dx *= FF_SCALE2; dy *= FF_SCALE2; }
    precise float r = FF_SCALE2 * n;
    return r;
}

float ff_corner3(uint seed, ivec3 v, float x, float y, float z, int px, int py, int pz, inout vec3 d)
{
    precise float cx = x - 0.5 * float(-v.x + v.y + v.z);
    precise float cy = y - 0.5 * float(v.x - v.y + v.z);
    precise float cz = z - 0.5 * float(v.x + v.y - v.z);
    if (FF_NOISE_PERIODIC && (px | py | pz) != 0) v = ff_wrap3(v, px, py, pz);
    uint h = ff_hash(seed, v.x, v.y, v.z, 0) & 15u;
    float su = (h & 1u) != 0u ? -1.0 : 1.0, sv = (h & 2u) != 0u ? -1.0 : 1.0;
    bool vIsX = h == 12u || h == 14u;
    bool vIsY = h < 4u;
    precise float gx = (h < 8u ? su : 0.0) + (vIsX ? sv : 0.0);
    precise float gy = (h >= 8u ? su : 0.0) + (vIsY ? sv : 0.0);
    float gz = !vIsX && !vIsY ? sv : 0.0;
    precise float t = max(0.5 - (cx * cx + cy * cy + cz * cz), 0.0);
    precise float t2 = t * t;
    precise float t3 = t2 * t;
    precise float g = gx * cx + gy * cy + gz * cz;
    if (FF_NOISE_GRAD)
    {
        precise float k = -6.0 * t2 * g;
        precise vec3 nd = vec3(d.x + (t3 * gx + k * cx), d.y + (t3 * gy + k * cy), d.z + (t3 * gz + k * cz));
        d = nd;
    }
    precise float r = t3 * g;
    return r;
}

float ff_noise3(float x, float y, float z, uint seed, int px, int py, int pz, out vec3 d)
{
    precise float u = y + z;
    precise float v = x + z;
    precise float w = x + y;
    float fa = floor(u), fb = floor(v), fc = floor(w);
    precise float ru = u - fa;
    precise float rv = v - fb;
    precise float rw = w - fc;
    ivec3 i0 = ivec3(int(fa), int(fb), int(fc));
    ivec3 g = ivec3(ru > rw ? 1 : 0, rv >= ru ? 1 : 0, rw >= rv ? 1 : 0);
    ivec3 l = ivec3(ru > rv ? 1 : 0, rv > rw ? 1 : 0, rw >= ru ? 1 : 0);
    d = vec3(0.0);
    precise float n = ff_corner3(seed, i0, x, y, z, px, py, pz, d);
    n += ff_corner3(seed, i0 + (g & l), x, y, z, px, py, pz, d);
    n += ff_corner3(seed, i0 + (g | l), x, y, z, px, py, pz, d);
    n += ff_corner3(seed, i0 + ivec3(1), x, y, z, px, py, pz, d);
    if (FF_NOISE_GRAD) d *= FF_SCALE3;
    precise float r = FF_SCALE3 * n;
    return r;
}

float ff_corner4(uint h, float x, float y, float z, float w)
{
    h &= 31u;
    float u = h < 24u ? x : y, v = h < 16u ? y : z, s = h < 8u ? z : w;
    float su = (h & 1u) != 0u ? -1.0 : 1.0, sv = (h & 2u) != 0u ? -1.0 : 1.0, ss = (h & 4u) != 0u ? -1.0 : 1.0;
    precise float g = su * u + sv * v + ss * s;
    precise float t = max(0.5 - (x * x + y * y + z * z + w * w), 0.0);
    precise float t2 = t * t;
    precise float r = t2 * t2 * g;
    return r;
}

float ff_noise4(float x, float y, float z, float w, uint seed)
{
    precise float s = (x + y + z + w) * FF_F4;
    precise float sx = x + s;
    precise float sy = y + s;
    precise float sz = z + s;
    precise float sw = w + s;
    float fi = floor(sx), fj = floor(sy), fk = floor(sz), fl = floor(sw);
    precise float t = (fi + fj + fk + fl) * FF_G4;
    precise float x0 = x - (fi - t);
    precise float y0 = y - (fj - t);
    precise float z0 = z - (fk - t);
    precise float w0 = w - (fl - t);
    // Ranks of the coordinates (same counts as the reference's if/else chain, without branches).
    int xy = int(x0 > y0), xz = int(x0 > z0), xw = int(x0 > w0), yz = int(y0 > z0), yw = int(y0 > w0), zw = int(z0 > w0);
    int rx = xy + xz + xw, ry = (1 - xy) + yz + yw, rz = (1 - xz) + (1 - yz) + zw, rw = (1 - xw) + (1 - yw) + (1 - zw);
    ivec4 i = ivec4(int(fi), int(fj), int(fk), int(fl));
    ivec4 r = ivec4(rx, ry, rz, rw);
    ivec4 o1 = ivec4(greaterThanEqual(r, ivec4(3))), o2 = ivec4(greaterThanEqual(r, ivec4(2))), o3 = ivec4(greaterThanEqual(r, ivec4(1)));
    vec4 f1 = vec4(o1), f2 = vec4(o2), f3 = vec4(o3);
    precise float n = ff_corner4(ff_hash(seed, i.x, i.y, i.z, i.w), x0, y0, z0, w0);
    n += ff_corner4(ff_hash(seed, i.x + o1.x, i.y + o1.y, i.z + o1.z, i.w + o1.w), x0 - f1.x + FF_G4, y0 - f1.y + FF_G4, z0 - f1.z + FF_G4, w0 - f1.w + FF_G4);
    n += ff_corner4(ff_hash(seed, i.x + o2.x, i.y + o2.y, i.z + o2.z, i.w + o2.w), x0 - f2.x + FF_G4X2, y0 - f2.y + FF_G4X2, z0 - f2.z + FF_G4X2, w0 - f2.w + FF_G4X2);
    n += ff_corner4(ff_hash(seed, i.x + o3.x, i.y + o3.y, i.z + o3.z, i.w + o3.w), x0 - f3.x + FF_G4X3, y0 - f3.y + FF_G4X3, z0 - f3.z + FF_G4X3, w0 - f3.w + FF_G4X3);
    n += ff_corner4(ff_hash(seed, i.x + 1, i.y + 1, i.z + 1, i.w + 1), x0 - 1.0 + FF_G4X4, y0 - 1.0 + FF_G4X4, z0 - 1.0 + FF_G4X4, w0 - 1.0 + FF_G4X4);
    precise float result = FF_SCALE4 * n;
    return result;
}
#endif
