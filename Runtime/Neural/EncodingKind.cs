namespace FieldForge.Neural;

/// <summary>Which lattice a multiresolution hash encoding interpolates on.</summary>
public enum EncodingKind
{
    /// <summary>instant-ngp's hypercube grid: 2^n corners, multilinear weights.</summary>
    Grid,
    /// <summary>Wen &amp; Yang's simplex lattice: n+1 vertices, barycentric weights.</summary>
    Simplex,
}
