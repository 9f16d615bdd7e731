using EngineeringFramework.Core.Crypto;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// Development-only key material, generated once into the data folder (never into the repository,
/// which ignores <c>data/</c>) so that <c>dotnet run</c> needs no setup and restarts keep decrypting.
/// </summary>
internal static partial class DevelopmentKeys
{
    private const string EncryptionKeyFile = "development-encryption.key";

    public static EncryptionKey LoadOrCreateEncryptionKey(string dataDirectory, ILogger logger)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, EncryptionKeyFile);
        if (!File.Exists(path))
        {
            WriteSecretFile(path, EncryptionKey.Generate());
            LogGenerated(logger, path);
        }
        else
        {
            LogUsing(logger, path);
        }

        return EncryptionKey.Parse(File.ReadAllText(path));
    }

    /// <summary>Writes a file readable by the current user only (mode 0600 where the OS has modes).</summary>
    internal static void WriteSecretFile(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ENCRYPTION_KEY is not set: generated a development key at {Path}. Never use it in Production; set ENCRYPTION_KEY there.")]
    private static partial void LogGenerated(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ENCRYPTION_KEY is not set: using the development key at {Path}.")]
    private static partial void LogUsing(ILogger logger, string path);
}
