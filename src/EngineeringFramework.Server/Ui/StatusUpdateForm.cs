namespace EngineeringFramework.Server.Ui;

/// <summary>
/// An item's status form, as the project page and My work post it: the version read, the new status, and the reason when
/// it is not applicable. Kept as text so a tampered value is answered next to the field rather than failing the binding.
/// </summary>
public sealed class StatusUpdateForm
{
    public string? Version { get; set; }

    public string? Status { get; set; }

    public string? Reason { get; set; }
}
