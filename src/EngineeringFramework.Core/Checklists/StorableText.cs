using FluentValidation;

namespace EngineeringFramework.Core.Checklists;

/// <summary>
/// Text both databases can store: PostgreSQL rejects NUL and a UTF-8 database cannot hold half a surrogate
/// pair, so such input is a validation error naming the field rather than a failed save.
/// </summary>
internal static class StorableText
{
    public static bool IsStorable(string? text)
    {
        if (text is null)
        {
            return true;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0' || char.IsLowSurrogate(c))
            {
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }

    public static IRuleBuilderOptions<T, string?> Storable<T>(this IRuleBuilder<T, string?> rule)
        => rule.Must(IsStorable).WithMessage("'{PropertyName}' contains a character that cannot be stored (NUL or half a surrogate pair).");
}
