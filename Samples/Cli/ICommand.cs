namespace FieldForge.Cli;

/// <summary>One `./ff VERB` of the CLI. Throw <see cref="CliError"/> for bad input; return the exit code.</summary>
public interface ICommand
{
    string Verb { get; }
    string Summary { get; }
    int Run(CliArgs args);
}
