using HexProperty.Caching;
using HexProperty.ClientIntegrations;
using HexProperty.Messaging;
using HexProperty.Worker.Bookings;
using HexProperty.Worker.Notifications;

// The Worker runs background jobs over RabbitMQ; it is a web host only to answer /health and /alive.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource("hexdb");
builder.AddRabbitMQClient("messaging");
builder.AddRedisClient("cache");
builder.AddHybridCache(); // to invalidate what the Api caches when a hold lapses
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHostedService<HoldSweeper>();
builder.AddOutboxRelay(); // publishes what the Api and the Worker write to the outbox
builder.AddEventConsumer<NotificationsHandler>();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
