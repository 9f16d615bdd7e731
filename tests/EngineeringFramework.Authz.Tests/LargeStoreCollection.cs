namespace EngineeringFramework.Authz.Tests;

/// <summary>
/// Tests that build big stores or measure memory and time run alone, so parallel tests do not distort them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargeStoreCollection
{
    public const string Name = "Large stores";
}
