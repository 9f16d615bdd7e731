using EngineeringFramework.Server.Hosting;

return await AppCommandLine.RunAsync(args);

/// <summary>The entry point type, visible to integration tests.</summary>
public partial class Program;
