using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>One running server (embedded authority, development key) shared by the token matrix.</summary>
public sealed class BearerTokenFixture : IAsyncLifetime
{
    internal TestApp App { get; private set; } = null!;

    internal SigningKeys Keys => App.App.Services.GetRequiredService<SigningKeys>();

    internal Audiences Audiences => App.App.Services.GetRequiredService<Audiences>();

    public async ValueTask InitializeAsync() => App = await TestApp.StartAsync(configure: AudienceProbeEndpoints.AddTo);

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
