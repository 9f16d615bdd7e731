using System.Globalization;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// Reads one optional setting, adding a message that names it to <c>errors</c> when it is malformed (the caller refuses to
/// start and lists every message); an absent or empty setting takes the fallback.
/// </summary>
internal static class SettingValues
{
    public static int ReadInt(IConfiguration configuration, string key, int fallback, int min, int max, List<string> errors)
    {
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors.Add($"{key} must be a whole number from {min} to {max}.");
            return fallback;
        }

        return value;
    }

    public static bool ReadBool(IConfiguration configuration, string key, bool fallback, List<string> errors)
    {
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        if (!bool.TryParse(raw, out var value))
        {
            errors.Add($"{key} must be true or false.");
            return fallback;
        }

        return value;
    }
}
