using HexProperty.Api.Apis;
using HexProperty.Api.Data;
using HexProperty.ClientIntegrations;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDbContext<HexDbContext>("hexdb");
builder.AddRedisClient("cache");
builder.Services.AddProblemDetails();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapPlatformApi();

app.Run();
