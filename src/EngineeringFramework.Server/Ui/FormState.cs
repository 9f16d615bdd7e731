namespace EngineeringFramework.Server.Ui;

/// <summary>
/// The outcome of one form's last submission: errors per field (keyed by the use case's property name, as
/// FluentValidation reports it) and a message for the form as a whole.
/// </summary>
public sealed class FormState
{
    private readonly Dictionary<string, List<string>> fields = new(StringComparer.OrdinalIgnoreCase);

    public string? Message { get; private set; }

    public bool Failed => Message is not null || fields.Count > 0;

    public IReadOnlyList<string> For(string field)
        => fields.TryGetValue(field, out var messages) ? messages : [];

    public bool Has(string field) => fields.ContainsKey(field);

    /// <summary>For <c>aria-invalid</c>: "true" on a field with errors, otherwise no attribute.</summary>
    public string? Invalid(string field) => Has(field) ? "true" : null;

    /// <summary>For <c>aria-describedby</c>: the error's element id on a field with errors, otherwise no attribute.</summary>
    public string? DescribedBy(string field, string errorId) => Has(field) ? errorId : null;

    public void Fail(string message) => Message = message;

    public void Fail(IEnumerable<(string Field, string Message)> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var (field, message) in errors)
        {
            // A list item error ("EvidenceLinks[2]") belongs to the list's input.
            var key = field.Split('[')[0];
            if (!fields.TryGetValue(key, out var messages))
            {
                fields[key] = messages = [];
            }

            if (!messages.Contains(message))
            {
                messages.Add(message);
            }
        }

        Message ??= "Some fields need attention.";
    }
}
