namespace HexProperty.Hosting.Tests;

public sealed class AppHostArgumentsTests
{
    [Fact]
    public void Developer_switches_become_configuration()
    {
        var builder = DistributedApplication.CreateBuilder(["--clean", "--show-logs", "--data-path", "/tmp/hex"]);

        Assert.Equal("true", builder.Configuration["AppHost:Clean"]);
        Assert.Equal("true", builder.Configuration["AppHost:ShowResourceLogs"]);
        Assert.Equal("/tmp/hex", builder.Configuration["AppHost:DataPath"]);
        Assert.True(builder.ExecutionContext.IsRunMode);
    }

    [Fact]
    public void The_manifest_publisher_switch_selects_publish_mode()
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", "out/aspire-manifest.json"]);

        Assert.True(builder.ExecutionContext.IsPublishMode);
        Assert.Equal("out/aspire-manifest.json", builder.Configuration["Publishing:OutputPath"]);
    }
}
