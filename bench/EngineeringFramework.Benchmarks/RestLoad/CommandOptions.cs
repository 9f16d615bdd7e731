using System.Globalization;

namespace EngineeringFramework.Benchmarks.RestLoad;

/// <summary>The load commands' shared command line: <c>--name value</c> pairs after the command, and the machine's load.</summary>
internal static class CommandOptions
{
    /// <summary>The <c>--name value</c> pairs after the command, or null when they do not pair up.</summary>
    public static Dictionary<string, string>? Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                return null;
            }

            options[args[i][2..]] = args[i + 1];
        }

        return options;
    }

    public static int Int(Dictionary<string, string> options, string name, int fallback)
        => options.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
