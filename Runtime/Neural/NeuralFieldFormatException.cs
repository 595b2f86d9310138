namespace FieldForge.Neural;

/// <summary>A neural-field file (.ffnf) is truncated, corrupted or of an unsupported version.</summary>
public sealed class NeuralFieldFormatException(string message) : Exception(message);
