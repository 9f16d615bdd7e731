using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Api.Support;

/// <summary>One running server per test class (starting one takes about a second); each test brings its own organization and users.</summary>
public sealed class ApiServer : IAsyncLifetime
{
    internal TestApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync() => App = await TestApp.StartAsync();

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
