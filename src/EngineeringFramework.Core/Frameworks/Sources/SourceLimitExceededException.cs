namespace EngineeringFramework.Core.Frameworks;

/// <summary>Thrown by <see cref="LimitedReadStream"/> to abort reading; turned into a FrameworkError by the readers.</summary>
internal sealed class SourceLimitExceededException(string message) : IOException(message);
