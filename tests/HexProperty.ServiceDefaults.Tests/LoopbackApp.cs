using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HexProperty.ServiceDefaults.Tests;

/// <summary>A real Kestrel app on a free loopback port, for tests that need HTTP end to end.</summary>
internal sealed class LoopbackApp(WebApplication app) : IAsyncDisposable
{
    public WebApplication App { get; } = app;

    public Uri BaseAddress { get; } = new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    public static async Task<LoopbackApp> StartAsync(
        Action<WebApplicationBuilder> configureBuilder, Action<WebApplication> configureApp, string environment = "Production", Dictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment, ApplicationName = "HexProperty.ServiceDefaults.Tests" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        configureBuilder(builder);
        var app = builder.Build();
        configureApp(app);
        await app.StartAsync();
        return new LoopbackApp(app);
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
