using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HexProperty.Data.Model;
using HexProperty.Seed;
using Microsoft.AspNetCore.Identity;
using Npgsql;

var size = new Option<string>("--size") { Description = "small (tests), medium, or large (10k properties, 1M bookings, 1M payments)", DefaultValueFactory = _ => "small" };
var seed = new Option<int>("--seed") { Description = "Random seed: the same seed and anchor give the same data", DefaultValueFactory = _ => 20261121 };
var anchor = new Option<DateOnly?>("--anchor") { Description = "The date the data set treats as today (default: today, UTC)" };
var connection = new Option<string?>("--connection") { Description = "Npgsql connection string of hexdb (default: the running AppHost's)" };
var dataPath = new Option<string?>("--data-path") { Description = "The AppHost's data folder, to read its connection strings (default: .hexdata/apphost)" };
var replace = new Option<bool>("--replace") { Description = "Delete the booking data already in hexdb first" };
var photosOnly = new Option<bool>("--photos-only") { Description = "Only give the properties already in hexdb that have no photo the seed's photos" };

var root = new RootCommand("Generates a reproducible HexProperty data set and loads it into hexdb with PostgreSQL COPY.")
{
    size, seed, anchor, connection, dataPath, replace, photosOnly,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var profile = SeedSize.Parse(parse.GetValue(size)!);
    var day = parse.GetValue(anchor) ?? DateOnly.FromDateTime(DateTime.UtcNow);
    var connectionString = parse.GetValue(connection) ?? AppHostConnectionString(parse.GetValue(dataPath));
    if (parse.GetValue(photosOnly))
    {
        await using var photoSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
        var added = await new CopyLoader(photoSource, Console.Out).AddPhotosAsync(cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Added {added:N0} photos."));
        return 0;
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Seeding {profile.Name}: {profile.Agencies} agencies, {profile.Properties:N0} properties, {profile.Bookings:N0} bookings; seed {parse.GetValue(seed)}, anchor {day:yyyy-MM-dd}"));

    var clock = Stopwatch.StartNew();
    var passwordHash = new PasswordHasher<StaffUser>().HashPassword(null!, DataSetGenerator.StaffPassword);
    var data = new DataSetGenerator(profile, parse.GetValue(seed), day).Generate(passwordHash);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  generated     {data.Properties.Count:N0} properties, {data.Units.Count:N0} units, {data.Guests.Count:N0} guests, {data.Bookings.Length:N0} bookings in {clock.Elapsed.TotalSeconds:0.0} s"));

    // A bulk load waits on the server for as long as its indexes take: no command timeout.
    await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
    var timings = await new CopyLoader(dataSource, Console.Out).LoadAsync(data, parse.GetValue(replace), cancellationToken);
    var rows = timings.Values.Sum(t => t.Rows);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Loaded {rows:N0} rows in {clock.Elapsed.TotalSeconds:0.0} s ({rows / clock.Elapsed.TotalSeconds:N0} rows/s). Staff sign in as owner@agency-001.hexproperty.test, password {DataSetGenerator.StaffPassword}"));
    return 0;
});

try
{
    return await root.Parse(args).InvokeAsync();
}
catch (Exception e) when (e is InvalidOperationException or ArgumentException or NpgsqlException)
{
    // A problem the operator can fix: the message says how, a stack trace would only hide it.
    Console.Error.WriteLine($"seed: {e.Message}");
    return 1;
}

// The AppHost writes the running servers' connection strings to its data folder.
static string AppHostConnectionString(string? dataPath)
{
    var folder = dataPath ?? FindDataFolder();
    var file = Path.Combine(folder, "connections.json");
    if (!File.Exists(file))
    {
        throw new InvalidOperationException($"No {file}: start the system first (dotnet run --project HexProperty.AppHost), or pass --connection.");
    }

    using var json = JsonDocument.Parse(File.ReadAllText(file));
    return json.RootElement.GetProperty("ConnectionStrings").GetProperty("hexdb").GetString()!;
}

static string FindDataFolder()
{
    for (var folder = new DirectoryInfo(Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
    {
        if (folder.EnumerateFiles("*.sln").Any())
        {
            return Path.Combine(folder.FullName, ".hexdata", "apphost");
        }
    }

    return Path.Combine(".hexdata", "apphost");
}
