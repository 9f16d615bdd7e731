namespace EngineeringFramework.Core.Mail;

/// <summary>Wakes this process's delivery worker when mail is queued here, so a message goes out at once instead of at the next poll.</summary>
internal sealed class MailSignal : WakeSignal
{
    public void MailQueued() => Wake();
}
