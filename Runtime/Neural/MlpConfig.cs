namespace FieldForge.Neural;

/// <summary>
/// A small fully connected network: <see cref="Inputs"/> → <see cref="HiddenLayers"/> × <see cref="Width"/> →
/// <see cref="Outputs"/>, each layer W·a + b followed by its activation.
/// </summary>
/// <param name="Inputs">Input features (1..128).</param>
/// <param name="Outputs">Outputs (1..128).</param>
/// <param name="Width">Neurons per hidden layer (8..128; 16..128 typical).</param>
/// <param name="HiddenLayers">Hidden layers (1..4).</param>
/// <param name="HiddenActivation">Activation after every hidden layer.</param>
/// <param name="OutputActivation">Activation after the output layer.</param>
/// <param name="Seed">Seed of the deterministic He-uniform weight initialisation.</param>
public sealed record MlpConfig(
    int Inputs,
    int Outputs,
    int Width = 64,
    int HiddenLayers = 2,
    Activation HiddenActivation = Activation.ReLU,
    Activation OutputActivation = Activation.None,
    uint Seed = 42)
{
    /// <summary>Largest width, input or output count the kernels support.</summary>
    public const int MaxWidth = 128;

    /// <summary>Inputs of layer <paramref name="layer"/> (0..HiddenLayers).</summary>
    public int LayerInputs(int layer) => layer == 0 ? Inputs : Width;

    /// <summary>Outputs of layer <paramref name="layer"/> (0..HiddenLayers).</summary>
    public int LayerOutputs(int layer) => layer == HiddenLayers ? Outputs : Width;

    /// <summary>First float of layer <paramref name="layer"/> in the weight layout (W[out][in] row-major, then b[out]).</summary>
    public long LayerOffset(int layer)
    {
        long offset = 0;
        for (int k = 0; k < layer; k++) offset += (long)LayerOutputs(k) * (LayerInputs(k) + 1);
        return offset;
    }

    /// <summary>Total weights and biases.</summary>
    public long ParameterCount => LayerOffset(HiddenLayers + 1);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public MlpConfig Validate()
    {
        if (Inputs is < 1 or > MaxWidth) throw new ArgumentException($"Inputs must be 1..{MaxWidth}, got {Inputs}");
        if (Outputs is < 1 or > MaxWidth) throw new ArgumentException($"Outputs must be 1..{MaxWidth}, got {Outputs}");
        if (Width is < 8 or > MaxWidth) throw new ArgumentException($"Width must be 8..{MaxWidth}, got {Width}");
        if (HiddenLayers is < 1 or > 4) throw new ArgumentException($"HiddenLayers must be 1..4, got {HiddenLayers}");
        if (!Enum.IsDefined(HiddenActivation)) throw new ArgumentException($"HiddenActivation {(int)HiddenActivation} is not an Activation");
        if (!Enum.IsDefined(OutputActivation)) throw new ArgumentException($"OutputActivation {(int)OutputActivation} is not an Activation");
        return this;
    }
}
