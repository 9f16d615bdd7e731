namespace EngineeringFramework.Server.Hosting;

/// <summary>The deployment is configured but not ready to serve (the OpenFGA store or model is missing): exit before listening.</summary>
internal sealed class StartupRefusedException(string message) : Exception(message);
