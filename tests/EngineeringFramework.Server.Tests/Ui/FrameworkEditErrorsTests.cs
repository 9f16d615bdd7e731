using EngineeringFramework.Server.Ui;
using FluentValidation;
using FluentValidation.Results;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>The framework parser's locations, placed on the System pages' forms.</summary>
public sealed class FrameworkEditErrorsTests
{
    [Theory]
    [InlineData("categories[0].name", "Name")]
    [InlineData("categories[2].subcategories[1].description", "Description")]
    [InlineData("categories[0].subcategories[0].items[3].optional", "Optional")]
    [InlineData("definitions/project-charter-approved.md", "DefinitionMarkdown")]
    [InlineData("templates/threat-model.md", "Markdown")]
    [InlineData("Name", "Name")]
    [InlineData("framework.yml:4:7", null)]
    [InlineData("(source)", null)]
    [InlineData("categories[0].slug", null)]
    public void A_location_names_the_field_of_its_last_segment(string location, string? field)
        => Assert.Equal(field, FrameworkEditErrors.FieldOf(location, ["Name", "Description", "Optional", "DefinitionMarkdown", "Markdown"]));

    [Fact]
    public async Task Located_errors_go_to_their_fields_and_the_rest_to_the_form_message_with_their_locations()
    {
        var form = new FormState();

        var thrown = await Assert.ThrowsAsync<ValidationException>(() => FrameworkEditErrors.LocateAsync(
            form,
            () => throw new ValidationException([new ValidationFailure("categories[0].name", "'name' is required."), new ValidationFailure("(source)", "Too many files.")]),
            "Name",
            "Description"));
        form.Fail(thrown.Errors.Select(e => (e.PropertyName, e.ErrorMessage)));

        Assert.Equal(["'name' is required."], form.For("Name"));
        Assert.Equal("(source): Too many files.", form.Message);
    }
}
