using System.Security.Cryptography;
using EngineeringFramework.Server.Hosting;

namespace EngineeringFramework.Server.Identity;

/// <summary>
/// Development only: an RSA signing key generated once into the data folder (mode 0600), so <c>dotnet run</c>
/// needs no setup and tokens survive restarts. Production has no such fallback: it refuses to start.
/// </summary>
internal static partial class DevelopmentSigningKey
{
    private const string FileName = "development-signing-key.pem";

    public static string LoadOrCreate(string dataDirectory, ILogger logger)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            using var rsa = RSA.Create(2048);
            try
            {
                DevelopmentKeys.WriteSecretFile(path, rsa.ExportPkcs8PrivateKeyPem());
                LogGenerated(logger, path);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process generated it first: use theirs.
            }
        }
        else
        {
            LogUsing(logger, path);
        }

        return File.ReadAllText(path);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "AUTH_SIGNING_KEY is not set: generated a development token signing key at {Path}. Never use it in Production; set AUTH_SIGNING_KEY there.")]
    private static partial void LogGenerated(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "AUTH_SIGNING_KEY is not set: using the development token signing key at {Path}.")]
    private static partial void LogUsing(ILogger logger, string path);
}
