using FluentValidation;
using FluentValidation.Results;

namespace EngineeringFramework.Server.Ui;

/// <summary>
/// An edit of the system framework is parsed like an import, so its errors carry framework locations
/// (<c>categories[0].subcategories[1].name</c>, <c>definitions/{slug}.md</c>) rather than the form's property names.
/// This puts each one next to the form's field where the location names one, and says the rest, with their
/// locations, in the form's message.
/// </summary>
internal static class FrameworkEditErrors
{
    /// <summary>Runs <paramref name="change"/>; a validation failure is rethrown with the form's field names, for <c>UiPage.SubmitAsync</c>.</summary>
    public static async Task LocateAsync(FormState form, Func<Task> change, params string[] fields)
    {
        try
        {
            await change();
        }
        catch (ValidationException e)
        {
            var located = new List<ValidationFailure>();
            var elsewhere = new List<string>();
            foreach (var failure in e.Errors)
            {
                if (FieldOf(failure.PropertyName, fields) is { } field)
                {
                    located.Add(new ValidationFailure(field, failure.ErrorMessage));
                }
                else
                {
                    elsewhere.Add($"{failure.PropertyName}: {failure.ErrorMessage}");
                }
            }

            if (elsewhere.Count > 0)
            {
                form.Fail(string.Join(" ", elsewhere));
            }

            throw new ValidationException(located);
        }
    }

    /// <summary>The form field a location is about: a markdown file's field, else the location's last segment (index dropped).</summary>
    internal static string? FieldOf(string location, IReadOnlyCollection<string> fields)
    {
        var candidate = location.StartsWith("definitions/", StringComparison.Ordinal) ? "DefinitionMarkdown"
            : location.StartsWith("templates/", StringComparison.Ordinal) ? "Markdown"
            : location[(location.LastIndexOf('.') + 1)..].Split('[')[0];
        return fields.FirstOrDefault(f => string.Equals(f, candidate, StringComparison.OrdinalIgnoreCase));
    }
}
