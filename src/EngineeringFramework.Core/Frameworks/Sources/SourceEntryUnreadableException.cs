namespace EngineeringFramework.Core.Frameworks;

/// <summary>A single archive entry is corrupt or uses an unsupported feature (encryption); the rest is still read.</summary>
internal sealed class SourceEntryUnreadableException(string message) : Exception(message);
