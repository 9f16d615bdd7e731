namespace EngineeringFramework.Core.Data;

/// <summary>An entity whose <see cref="Version"/> is an optimistic concurrency token bumped on each update.</summary>
public interface IVersioned
{
    long Version { get; set; }
}
