using System.Globalization;

namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// Typed, located access to one YAML mapping of framework.yml. Every read reports its own error at
/// <c>{path}.{key}</c> and returns null, so the caller simply carries on and all errors surface together.
/// </summary>
internal sealed class ManifestObject
{
    private readonly Dictionary<string, ManifestNode> _values = new(StringComparer.Ordinal);
    private readonly string _path;
    private readonly FrameworkErrorList _errors;
    private readonly FrameworkLimits _limits;

    public ManifestObject(ManifestMapping mapping, string path, FrameworkErrorList errors, FrameworkLimits limits, params string[] knownKeys)
    {
        _path = path;
        _errors = errors;
        _limits = limits;
        foreach (var (key, value) in mapping.Entries)
        {
            // Unknown keys are rejected, not ignored: framework.yml is a published contract, and a typo such as
            // "hasDefintion: true" would otherwise silently drop content. A future format version that adds keys
            // will come with a parser that knows them.
            if (!knownKeys.Contains(key.Value, StringComparer.Ordinal))
            {
                errors.Add(Child(key.Value), $"unknown key '{key.Value}'");
            }
            else if (!_values.TryAdd(key.Value, value))
            {
                errors.Add(Child(key.Value), $"duplicate key '{key.Value}'");
            }
        }
    }

    public string Child(string key) => _path.Length == 0 ? key : $"{_path}.{key}";

    public bool Has(string key) => _values.TryGetValue(key, out var node) && node is not ManifestScalar { IsNull: true };

    /// <summary>A required, non-blank text such as a name.</summary>
    public string? Name(string key)
    {
        var value = Text(key, required: true);
        if (value is not null && string.IsNullOrWhiteSpace(value))
        {
            _errors.Add(Child(key), "must not be empty");
            return null;
        }

        return CheckLength(key, value, _limits.MaxNameLength);
    }

    public string? Slug(string key, bool required = true)
    {
        var value = Text(key, required);
        if (value is null)
        {
            return null;
        }

        if (!SlugRule.IsValid(value))
        {
            _errors.Add(Child(key), $"'{Truncate(value)}' is not a valid slug (lowercase letters, digits and '-' only)");
            return null;
        }

        return CheckLength(key, value, _limits.MaxSlugLength);
    }

    /// <summary>An optional text; blank is treated as absent so that "" and a missing key mean the same.</summary>
    public string? Description(string key)
    {
        var value = Text(key, required: false);
        return string.IsNullOrWhiteSpace(value) ? null : CheckLength(key, value, _limits.MaxDescriptionLength);
    }

    public string? Text(string key, bool required)
    {
        if (!_values.TryGetValue(key, out var node) || node is ManifestScalar { IsNull: true })
        {
            if (required)
            {
                _errors.Add(Child(key), "is required");
            }

            return null;
        }

        if (node is not ManifestScalar scalar)
        {
            _errors.Add(Child(key), "must be a text value, not a list or mapping");
            return null;
        }

        if (scalar.Value.Contains('\0', StringComparison.Ordinal))
        {
            // Databases (PostgreSQL text) cannot store NUL; refuse it here rather than fail on save.
            _errors.Add(Child(key), "must not contain NUL characters");
            return null;
        }

        return scalar.Value;
    }

    /// <summary>A required whole number. Quoted digits ("3") are accepted; anything else (e.g. "first") is not.</summary>
    public int? Order(string key)
    {
        var value = Text(key, required: true);
        if (value is null)
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var order))
        {
            _errors.Add(Child(key), $"must be a whole number, got '{Truncate(value)}'");
            return null;
        }

        return order;
    }

    /// <summary>
    /// An optional whole number of days, 1 to <paramref name="max"/>; null when absent (or invalid, error reported).
    /// Quoted digits ("30") are accepted like <see cref="Order"/>; zero, negatives, fractions and text are not.
    /// </summary>
    public int? Days(string key, int max)
    {
        var value = Text(key, required: false);
        if (value is null)
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days < 1 || days > max)
        {
            _errors.Add(Child(key), $"must be a whole number of days from 1 to {max}, got '{Truncate(value)}'");
            return null;
        }

        return days;
    }

    /// <summary>An optional boolean, false when absent. Only true/false (any case); YAML 1.1 yes/no/on/off are refused.</summary>
    public bool? Flag(string key)
    {
        var value = Text(key, required: false);
        if (value is null)
        {
            return false;
        }

        if (bool.TryParse(value, out var flag))
        {
            return flag;
        }

        _errors.Add(Child(key), $"must be true or false, got '{Truncate(value)}'");
        return null;
    }

    /// <summary>An optional list of mappings; absent or empty gives an empty list.</summary>
    public IReadOnlyList<(ManifestMapping Mapping, string Location)> List(string key, bool required)
    {
        if (!_values.TryGetValue(key, out var node) || node is ManifestScalar { IsNull: true })
        {
            if (required)
            {
                _errors.Add(Child(key), "is required");
            }

            return [];
        }

        if (node is not ManifestSequence sequence)
        {
            _errors.Add(Child(key), "must be a list");
            return [];
        }

        var result = new List<(ManifestMapping, string)>();
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var location = $"{Child(key)}[{i}]";
            if (sequence.Items[i] is ManifestMapping mapping)
            {
                result.Add((mapping, location));
            }
            else
            {
                _errors.Add(location, "must be a mapping (name, slug, ...)");
            }
        }

        return result;
    }

    private string? CheckLength(string key, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            _errors.Add(Child(key), $"must be at most {max} characters");
            return null;
        }

        return value;
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "...";
}
