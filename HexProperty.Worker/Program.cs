using HexProperty.Caching;
using HexProperty.Data.Jobs;
using HexProperty.Data.Persistence;
using HexProperty.Messaging;
using HexProperty.Worker.Bookings;
using HexProperty.Worker.Exports;
using HexProperty.Worker.Jobs;
using HexProperty.Worker.Notifications;
using HexProperty.Worker.Photos;
using HexProperty.Worker.Scheduling;
using HexProperty.Worker.Statistics;

// The Worker runs background work: integration events over RabbitMQ, jobs, schedules. It is a web host only to answer
// /health and /alive.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
// The seeds' pool, with the timeouts of before: exports and statistics rebuilds run for longer than a request may.
builder.AddHexDatabases(pool => (pool.StatementTimeout, pool.CommandTimeout) = (TimeSpan.Zero, TimeSpan.FromSeconds(30))); // Npgsql's own default
// Both connect while the host starts: a broker that cannot be reached stops the Worker at once rather than its first message.
builder.AddRabbitMQClient("messaging", settings => settings.DisableAutoActivation = false);
builder.AddRedisClient("cache", settings => settings.DisableAutoActivation = false,
    options => options.ClientName = builder.Environment.ApplicationName); // who is connected, in CLIENT LIST
builder.AddHybridCache(); // to invalidate what the Api caches when a hold lapses or statistics change
var services = builder.Services;
services.AddSingleton(TimeProvider.System);
services.AddHttpClient(CacheWarmTask.ApiClient, client => client.BaseAddress = new Uri("http://api"));

builder.AddOutboxRelay(); // publishes what the Api and the Worker write to the outbox
builder.AddEventConsumer<NotificationsHandler>();
services.AddOptions<EmailOptions>().BindConfiguration("Email");
services.AddSingleton<IEmailSender, PickupFolderEmailSender>();

services.AddOptions<JobOptions>().BindConfiguration("Jobs");
services.AddOptions<ExportStorageOptions>().BindConfiguration("Exports");
services.AddSingleton<IJobHandler, ExportJob>();
services.AddSingleton<IJobHandler, StatsRebuildJob>();
services.AddHostedService<JobRunner>();

services.AddOptions<PhotoOptions>().BindConfiguration("Photos");
services.AddSingleton<PhotoWorker>();
services.AddHostedService(provider => provider.GetRequiredService<PhotoWorker>());

services.AddSingleton<IScheduledTask, HoldExpiryTask>();
services.AddSingleton<IScheduledTask, StaleStatsTask>();
services.AddSingleton<IScheduledTask, CacheWarmTask>();
services.AddSingleton<IScheduledTask, AnalyzeTask>();
services.AddSingleton<IScheduledTask, JobHousekeepingTask>();
services.AddHostedService<Scheduler>();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();

/// <summary>The Worker's entry point, public so tests can host it.</summary>
public partial class Program;
