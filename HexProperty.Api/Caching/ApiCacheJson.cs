using System.Text.Json;
using System.Text.Json.Serialization;
using HexProperty.Api.Bookings;
using HexProperty.Api.Catalog;
using HexProperty.Api.Contracts;

namespace HexProperty.Api.Caching;

/// <summary>How cached reads are stored in Redis: source-generated, so no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(PropertyDetails))]
[JsonSerializable(typeof(AvailabilityCalendar))]
[JsonSerializable(typeof(PlaceCatalogue))]
[JsonSerializable(typeof(PlaceNights))]
[JsonSerializable(typeof(UnitPricing))]
[JsonSerializable(typeof(AgencyDashboard))]
public sealed partial class ApiCacheJson : JsonSerializerContext;
