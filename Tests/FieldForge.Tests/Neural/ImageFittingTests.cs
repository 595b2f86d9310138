using FieldForge.Neural;

namespace FieldForge.Tests.Neural;

public sealed class ImageFittingTests
{
    [Test]
    public void Psnr_KnownError_MatchesFormula()
    {
        var a = new float[] { 0f, 0.5f, 1f, 0.25f };
        var b = a.Select(x => x + 0.1f).ToArray();
        b[2] = 1f; // clamped: the fit is compared in displayable range
        double mse = (0.01 * 3 + 0) / 4;
        Assert.That(ImageFitting.Psnr(a, b), Is.EqualTo(10 * Math.Log10(1 / mse)).Within(1e-4));
        Assert.That(ImageFitting.Psnr(a, a), Is.EqualTo(double.PositiveInfinity));
        Assert.That(() => ImageFitting.Psnr(a, b.AsSpan(0, 3)), Throws.ArgumentException.With.Message.Contains("equal size"));
    }

    [Test]
    public void ProceduralImage_Deterministic_InUnitRange()
    {
        var a = ImageFitting.ProceduralImage(48, 32);
        Assert.That(a.Length, Is.EqualTo(48 * 32 * 3));
        Assert.That(a, Is.All.InRange(0f, 1f));
        Assert.That(ImageFitting.ProceduralImage(48, 32), Is.EqualTo(a));
    }
}
