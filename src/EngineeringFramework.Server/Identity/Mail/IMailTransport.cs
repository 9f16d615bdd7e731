namespace EngineeringFramework.Server.Identity.Mail;

/// <summary>A message about an account: who it goes to, what it says, and the one link it carries (if any).</summary>
internal sealed record AccountMail(string To, string Subject, string Body, Uri? Link);

/// <summary>Sends account mail (confirmation, password reset). Implementations never log the link outside Development.</summary>
internal interface IAccountMailSender
{
    Task SendAsync(AccountMail mail, CancellationToken cancellationToken);
}
