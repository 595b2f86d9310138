namespace FieldForge.Cli;

/// <summary>The surrogate half of `./ff acoustics` (bake, train, predict).</summary>
internal static class AcousticsSurrogateCommands
{
    public static int Run(string sub, CliArgs args) => sub switch
    {
        _ => throw new CliError($"unknown acoustics subcommand '{sub}' (simulate, auralize)"),
    };
}
