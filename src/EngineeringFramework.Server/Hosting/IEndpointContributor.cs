namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// A set of endpoints mapped into the app's pipeline, after every host middleware. Features map their
/// own routes through their <c>MapXApi()</c> extension; this seam lets tests add probe endpoints
/// (for example one that throws) that go through exactly the same pipeline.
/// </summary>
internal interface IEndpointContributor
{
    void Map(IEndpointRouteBuilder endpoints);
}
