using System.Text.Json;
using System.Text.Json.Serialization;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.UseCases;

namespace EngineeringFramework.Core.Tests.UseCases;

public sealed class OptionalTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    [Fact]
    public void An_absent_property_stays_absent_and_a_present_null_is_a_value()
    {
        var patch = JsonSerializer.Deserialize<PatchProjectRequest>("""{"description":null,"targetDate":"2027-01-31","status":"Archived"}""", Web)!;

        Assert.False(patch.Name.IsPresent);
        Assert.False(patch.LeadUserId.IsPresent);
        Assert.True(patch.Description.IsPresent);
        Assert.Null(patch.Description.Value);
        Assert.Equal(new DateOnly(2027, 1, 31), patch.TargetDate.Value);
        Assert.Equal(ProjectStatus.Archived, patch.Status.Value);
        Assert.Equal("kept", patch.Name.Or("kept"));
    }

    [Theory]
    [InlineData("""{"status":null}""", "$.status")]
    [InlineData("""{"status":"Bogus"}""", "$.status")]
    [InlineData("""{"targetDate":"soon"}""", "$.targetDate")]
    [InlineData("""{"leadUserId":"nope"}""", "$.leadUserId")]
    public void A_value_of_the_wrong_type_fails_with_the_path_of_its_property(string json, string path)
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<PatchProjectRequest>(json, Web));

        Assert.Equal(path, error.Path);
        Assert.IsNotType<JsonException>(error.InnerException, exactMatch: false);
    }
}
