using HexProperty.ClientIntegrations;

// The Worker runs background jobs over RabbitMQ; it is a web host only to answer /health and /alive.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource("hexdb");
builder.AddRabbitMQClient("messaging");

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
