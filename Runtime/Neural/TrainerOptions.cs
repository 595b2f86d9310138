namespace FieldForge.Neural;

/// <summary>How a <see cref="Trainer"/> trains: batch size, loss, optimiser and the seed of its in-shader sampling.</summary>
/// <param name="BatchSize">Samples per step (1..2^20).</param>
/// <param name="Loss">Training loss.</param>
/// <param name="Optimizer">Adam hyper-parameters (null: instant-ngp's defaults).</param>
/// <param name="Seed">Seed of the batch sampling.</param>
/// <param name="Accumulation">How gradients are summed: float atomics where the device has them (Auto), or the
/// deterministic path that needs no float atomics and trains bit-identically from run to run.</param>
/// <param name="Eikonal">An eikonal regulariser for one-output (distance) fields, or null for none.</param>
/// <param name="SparseTableUpdates">Adam skips hash-table entries whose gradient is exactly zero in a step (no sample
/// of the batch touched them): their values and moments stay as they are, as in instant-ngp. A step then writes only
/// the entries around its batch instead of every table entry. False: dense Adam over every parameter. The MLP's
/// weights are always updated densely.</param>
public sealed record TrainerOptions(int BatchSize = 1 << 14, LossKind Loss = LossKind.L2, AdamConfig? Optimizer = null, uint Seed = 7,
    GradientAccumulation Accumulation = GradientAccumulation.Auto, EikonalTerm? Eikonal = null, bool SparseTableUpdates = true)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public TrainerOptions Validate()
    {
        if (BatchSize is < 1 or > 1 << 20) throw new ArgumentException($"BatchSize must be 1..{1 << 20}, got {BatchSize}");
        if (!Enum.IsDefined(Loss)) throw new ArgumentException($"Loss {(int)Loss} is not a LossKind");
        if (!Enum.IsDefined(Accumulation)) throw new ArgumentException($"Accumulation {(int)Accumulation} is not a GradientAccumulation");
        Optimizer?.Validate();
        Eikonal?.Validate();
        return this;
    }
}
