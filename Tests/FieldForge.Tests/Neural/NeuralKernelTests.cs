using FieldForge.Gpu;
using FieldForge.Neural;

namespace FieldForge.Tests.Neural;

public sealed class NeuralKernelTests : GpuTest
{
    // Loading a kernel checks its bindings and push-constant block against the KernelSpec, i.e. the C# push structs'
    // sizes against the GLSL blocks (HashEncoding 16 B, Mlp 48 B, fused field 48 B, Adam 40 B, Loss 16 B, samplers 24 B, eikonal 32 B).
    [Test]
    public void Kernels_EveryNeuralSpec_LoadsAndMatchesShader()
    {
        var specs = new List<KernelSpec>
        {
            Mlp.ForwardLayerSpec, Mlp.OutputDeltaSpec, Mlp.BackwardLayerSpec, Mlp.WeightGradientSpec,
            Adam.StepSpec, Adam.Step4Spec, Loss.EvalSpec, ImageTrainingData.SampleSpec, SampledTrainingData.SampleSpec,
            Mlp.PackWeightsSpec, Mlp.ReducePartialsSpec, HashEncoding.FixedResolveSpec,
            Trainer.EikonalShiftSpec, Trainer.EikonalLossSpec,
        };
        foreach (int width in Mlp.FusedWidths)
            specs.AddRange(new Mlp(new MlpConfig(8, 2, width)).FusedSpecs);
        foreach (var kind in new[] { EncodingKind.Grid, EncodingKind.Simplex })
            foreach (int dims in new[] { 2, 3, 4 })
            {
                using var enc = HashEncoding.Create(Gpu, kind, new HashEncodingConfig(dims, Levels: 2, Log2TableSize: 10, FinestResolution: 32));
                specs.Add(enc.ForwardSpec);
                specs.Add(enc.BackwardSpec);
                specs.Add(enc.BackwardFixedSpec);
                specs.Add(enc.InputGradientSpec);
                foreach (int width in Mlp.FusedWidths)
                {
                    using var field = NeuralField.Create(Gpu, NeuralFieldConfig.Create(kind, dims, 1, finestResolution: 32, levels: 2, log2TableSize: 10, width: width, hiddenLayers: 1));
                    specs.Add(field.FusedEvaluateSpec);
                }
            }
        foreach (var spec in specs) Assert.That(Gpu.GetKernel(spec).Name, Is.EqualTo(spec.Name));
        Assert.That(specs.Select(s => s.Name).Distinct().Count(), Is.EqualTo(22 + 3 + 6 + 6 + 12 + 18 + 1));
        Assert.That(System.Runtime.InteropServices.Marshal.SizeOf<HashEncodingLevel>(), Is.EqualTo(32), "std430 EncodingLevel");
    }
}
