using FluentValidation;
using FluentValidation.Results;

namespace EngineeringFramework.Server.Api;

/// <summary>
/// Reads query-string values that would otherwise fail model binding with a bare 400: a bad value becomes a
/// validation failure naming the parameter, so every invalid input answers the same structured problem.
/// </summary>
internal sealed class QueryValues
{
    private readonly List<ValidationFailure> failures = [];

    public int? Int(string? value, string name)
    {
        if (value is null)
        {
            return null;
        }

        if (int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        failures.Add(new ValidationFailure(name, $"'{name}' must be a whole number."));
        return null;
    }

    public Guid? Guid(string? value, string name)
    {
        if (value is null)
        {
            return null;
        }

        if (System.Guid.TryParse(value, out var id))
        {
            return id;
        }

        failures.Add(new ValidationFailure(name, $"'{name}' must be an id (a GUID)."));
        return null;
    }

    /// <summary>One of the enum's names (any case); numbers are refused so only documented values get through.</summary>
    public TEnum? Enum<TEnum>(string? value, string name)
        where TEnum : struct, Enum
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > 0 && char.IsLetter(value[0]) && System.Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed))
        {
            return parsed;
        }

        failures.Add(new ValidationFailure(name, $"'{name}' must be one of {string.Join(", ", System.Enum.GetNames<TEnum>())}."));
        return null;
    }

    /// <summary><c>true</c> or <c>false</c> (any case); anything else names the parameter.</summary>
    public bool? Bool(string? value, string name)
    {
        if (value is null)
        {
            return null;
        }

        if (bool.TryParse(value, out var parsed))
        {
            return parsed;
        }

        failures.Add(new ValidationFailure(name, $"'{name}' must be true or false."));
        return null;
    }

    public void Fail(string name, string message) => failures.Add(new ValidationFailure(name, message));

    /// <summary>Throws the failures collected so far, all at once, for the one exception handler to answer.</summary>
    public void ThrowIfInvalid()
    {
        if (failures.Count > 0)
        {
            throw new ValidationException(failures);
        }
    }
}
