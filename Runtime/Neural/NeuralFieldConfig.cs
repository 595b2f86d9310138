namespace FieldForge.Neural;

/// <summary>
/// A neural field: a hash encoding of kind <see cref="Encoding"/> configured by <see cref="Hash"/>, feeding an MLP
/// configured by <see cref="Network"/> (whose Inputs must equal the encoding's L × F outputs).
/// </summary>
public sealed record NeuralFieldConfig(EncodingKind Encoding, HashEncodingConfig Hash, MlpConfig Network)
{
    /// <summary>
    /// The usual configuration: <paramref name="dimensions"/>-D inputs, <paramref name="outputs"/> outputs, instant-ngp's
    /// encoding defaults (L 16, F 2, T 2^19, Nmin 16) up to <paramref name="finestResolution"/>, a 64-wide 2-hidden-layer ReLU MLP.
    /// </summary>
    public static NeuralFieldConfig Create(EncodingKind encoding, int dimensions, int outputs, float finestResolution = 512,
        int levels = 16, int featuresPerLevel = 2, int log2TableSize = 19, int width = 64, int hiddenLayers = 2,
        Activation outputActivation = Activation.None, uint seed = 1337)
    {
        var hash = new HashEncodingConfig(dimensions, levels, featuresPerLevel, log2TableSize, 16, finestResolution, seed);
        var mlp = new MlpConfig(hash.OutputDimensions, outputs, width, hiddenLayers, Activation.ReLU, outputActivation, seed + 1);
        return new NeuralFieldConfig(encoding, hash, mlp).Validate();
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public NeuralFieldConfig Validate()
    {
        if (!Enum.IsDefined(Encoding)) throw new ArgumentException($"Encoding {(int)Encoding} is not an EncodingKind");
        ArgumentNullException.ThrowIfNull(Hash);
        ArgumentNullException.ThrowIfNull(Network);
        Hash.Validate();
        Network.Validate();
        if (Network.Inputs != Hash.OutputDimensions)
            throw new ArgumentException($"Network.Inputs ({Network.Inputs}) must equal the encoding's outputs Levels × FeaturesPerLevel ({Hash.OutputDimensions})");
        return this;
    }
}
