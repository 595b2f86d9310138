// Every verb of ./ff that is not test/demo/bench lands here; CliProgram.Run is the whole entry point so tests can run
// the real CLI in-process.
return FieldForge.Cli.CliProgram.Run(args);
