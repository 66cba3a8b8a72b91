using HexProperty.Data.Persistence;
using HexProperty.Migrations;

// Applies the database migrations and exits with 0, or with 1 and the reason in its log. Run once per start of the
// system, before the Api and the Worker, which wait for it to finish.
var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource("hexdb", configureDataSourceBuilder: DatabaseTracing.OnlyWithinOperations);
builder.Services.AddSingleton<MigrationRunner>();
builder.Services.AddHostedService<MigrationStep>();

builder.Build().Run();
