using System.Globalization;
using EngineeringFramework.Core.UseCases;

namespace EngineeringFramework.Core.Members;

/// <summary>
/// The invitation is valid, but the signed-in account is not the one it was sent to: its address differs, or the
/// issuer does not vouch for it. The message names the invited address masked (<c>a•••@example.com</c>): enough for
/// the person to see which account to use, too little to learn the address from a forwarded link.
/// </summary>
public sealed class InvitationForAnotherAccountException : FieldForbiddenException
{
    internal InvitationForAnotherAccountException(string invitedAddress, bool sameAddressUnconfirmed)
        : base(nameof(AcceptInvitationRequest.Token), Describe(Mask(invitedAddress), sameAddressUnconfirmed))
        => InvitedAddressMasked = Mask(invitedAddress);

    public string InvitedAddressMasked { get; }

    /// <summary>The first character of the local part, then •••, then the domain as it is.</summary>
    public static string Mask(string address)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0)
        {
            return "•••";
        }

        var first = address[..StringInfo.GetNextTextElementLength(address)];
        return first + "•••" + address[at..];
    }

    private static string Describe(string masked, bool sameAddressUnconfirmed) => sameAddressUnconfirmed
        ? $"This invitation was sent to {masked}, and your account's address is not confirmed. Confirm it with your sign-in provider, or sign in with an account whose confirmed address is {masked}."
        : $"This invitation was sent to {masked}. Sign in with the account for that address to accept it.";
}
