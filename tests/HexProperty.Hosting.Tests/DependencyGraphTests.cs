using HexProperty.Hosting.Orchestration;
using HexProperty.Hosting.Projects;

namespace HexProperty.Hosting.Tests;

public sealed class DependencyGraphTests
{
    [Fact]
    public void Dependents_stop_before_what_they_depend_on()
    {
        using var app = new TestApplication();

        var order = DependencyGraph.StopOrder([.. app.Model.Resources.Where(r => r is not ApplicationModel.ParameterResource)])
            .Select(level => level.Select(r => r.Name).Order().ToArray()).ToList();

        Assert.Equal(
            [["web"], ["api"], ["hexdb"], ["cache", "messaging", "postgres"]],
            order);
    }

    [Fact]
    public void A_cycle_is_refused_naming_the_resources_in_it()
    {
        using var app = new TestApplication();
        var builder = DistributedApplication.CreateBuilder([]);
        var api = builder.AddProject<TestApplication.ApiProject>("api");
        var web = builder.AddProject<TestApplication.WebProject>("web").WaitFor(api);
        api.WaitFor(web);

        var error = Assert.Throws<DistributedApplicationException>(() => DependencyGraph.ThrowIfCyclic([api.Resource, web.Resource]));

        Assert.Contains("api -> web -> api", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_resource_name_must_be_short_lower_case()
    {
        Assert.Throws<ArgumentException>(() => new ProjectResource("Api", new TestApplication.ApiProject()));
        Assert.Throws<ArgumentException>(() => new ProjectResource("api_v2", new TestApplication.ApiProject()));
    }
}
