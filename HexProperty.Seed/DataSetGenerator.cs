using Bogus;
using HexProperty.Data.Model;
using HexProperty.Data.Pricing;

namespace HexProperty.Seed;

/// <summary>
/// Generates a realistic data set from a seed: agencies with staff, properties in real cities with one to three
/// units, seasons, weekend uplifts, weekly and monthly discounts and city taxes, returning guests, and bookings laid
/// end to end per unit (never overlapping) from <c>YearsOfHistory</c> before the anchor date to a year after it.
/// Past stays are completed or cancelled, current ones checked in, future ones confirmed or cancelled; every paid
/// booking has a payment, every cancellation a refund by the property's policy. Same seed and anchor, same data.
/// </summary>
public sealed class DataSetGenerator(SeedSize size, int seed, DateOnly anchor)
{
    /// <summary>The password of every seeded staff account (local demo data only).</summary>
    public const string StaffPassword = "hexproperty-demo-1";

    private static readonly string[] Amenities =
    [
        "wifi", "kitchen", "washer", "dryer", "parking", "pool", "air-conditioning", "heating", "balcony", "sea-view",
        "elevator", "pets-allowed", "workspace", "tv", "crib", "bbq", "garden", "gym", "hot-tub", "ev-charger",
    ];

    private static readonly string[] NameStarts = ["Sunny", "Quiet", "Old Town", "Riverside", "Garden", "Harbour", "Hilltop", "Central", "Blue", "Stone", "Cosy", "Bright"];
    private static readonly string[] NameEnds = ["Loft", "Apartment", "House", "Studio", "Villa", "Retreat", "Suites", "Flat", "Cottage", "Residence"];

    private readonly Random _random = new(seed);
    private readonly Faker _faker = new("en") { Random = new Randomizer(seed) };
    private readonly DateTimeOffset _anchorTime = new(anchor.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);

    public DataSet Generate(string passwordHash)
    {
        var agencies = Enumerable.Range(1, size.Agencies).Select(n => new Agency
        {
            Id = SeededIds.Next(_random),
            Name = $"{_faker.Company.CompanyName()} Stays",
            CreatedAt = _anchorTime.AddDays(-365 * (size.YearsOfHistory + 1)),
        }).ToList();
        var staff = agencies.SelectMany((agency, n) => StaffOf(agency, n + 1, passwordHash)).ToList();
        var properties = new List<Property>(size.Properties);
        var units = new List<Unit>();
        var rates = new List<UnitRates>();
        var rules = new List<RateRule>();
        var placeWeights = Place.All.SelectMany(p => Enumerable.Repeat(p, p.Weight)).ToArray();
        for (var n = 0; n < size.Properties; n++)
        {
            // Agencies differ in size: a few large portfolios, many small ones.
            var agency = agencies[(int)(Math.Pow(_random.NextDouble(), 2) * agencies.Count)];
            var place = placeWeights[_random.Next(placeWeights.Length)];
            var property = NewProperty(agency, place, n);
            properties.Add(property);
            var unitCount = _random.NextDouble() switch { < 0.6 => 1, < 0.9 => 2, _ => 3 };
            for (var u = 0; u < unitCount; u++)
            {
                var (unit, unitRules) = NewUnit(property, place, u);
                units.Add(unit);
                rules.AddRange(unitRules);
                rates.Add(Pricing(unit, property.Currency, unitRules));
            }
        }

        var guests = Enumerable.Range(0, Math.Max(10, size.Bookings / 4)).Select(NewGuest).ToList();
        return new DataSet
        {
            Agencies = agencies,
            StaffUsers = staff,
            Properties = properties,
            Units = units,
            Rates = rates,
            RateRules = rules,
            Guests = guests,
            Bookings = Bookings(properties, units, rates, guests.Count),
        };
    }

    private IEnumerable<StaffUser> StaffOf(Agency agency, int number, string passwordHash)
    {
        (StaffRole Role, string Name)[] people = [(StaffRole.Owner, "owner"), (StaffRole.Manager, "manager"), (StaffRole.Agent, "agent1"), (StaffRole.Agent, "agent2")];
        return people.Select(p => new StaffUser
        {
            Id = SeededIds.Next(_random),
            AgencyId = agency.Id,
            Email = $"{p.Name}@agency-{number:000}.hexproperty.test",
            DisplayName = _faker.Name.FullName(),
            Role = p.Role,
            PasswordHash = passwordHash,
            CreatedAt = agency.CreatedAt,
        });
    }

    private Property NewProperty(Agency agency, Place place, int index)
    {
        var amenities = Amenities.Where(_ => _random.NextDouble() < 0.35).ToList();
        if (!amenities.Contains("wifi") && _random.NextDouble() < 0.9)
        {
            amenities.Insert(0, "wifi");
        }

        var id = SeededIds.Next(_random);
        return new Property
        {
            Id = id,
            AgencyId = agency.Id,
            Name = $"{NameStarts[_random.Next(NameStarts.Length)]} {NameEnds[_random.Next(NameEnds.Length)]} {_faker.Address.StreetName()}",
            Description = _faker.Lorem.Sentences(3),
            Type = (PropertyType)_random.Next(Enum.GetValues<PropertyType>().Length),
            AddressLine = $"{_faker.Address.StreetAddress()}",
            City = place.City,
            Country = place.Country,
            Latitude = Math.Round(place.Latitude + (decimal)(_random.NextDouble() - 0.5) / 10m, 6),
            Longitude = Math.Round(place.Longitude + (decimal)(_random.NextDouble() - 0.5) / 10m, 6),
            Amenities = amenities,
            Photos = SeedPhotos.For(index, 1 + _random.Next(5)),
            CancellationPolicy = (CancellationPolicy)_random.Next(3),
            Currency = place.Currency,
            TimeZone = place.TimeZone,
            CreatedAt = agency.CreatedAt,
            UpdatedAt = agency.CreatedAt,
        };
    }

    private (Unit Unit, List<RateRule> Rules) NewUnit(Property property, Place place, int number)
    {
        var bedrooms = _random.Next(0, 4);
        var unit = new Unit
        {
            Id = SeededIds.Next(_random),
            PropertyId = property.Id,
            AgencyId = property.AgencyId,
            Name = number == 0 ? "Main" : $"Unit {number + 1}",
            Capacity = Math.Max(1, bedrooms * 2 + _random.Next(0, 3)),
            Bedrooms = bedrooms,
            BaseNightlyRate = Math.Round((50m + bedrooms * 35m + (decimal)_random.NextDouble() * 90m) * place.PriceLevel, 0),
            CleaningFee = Math.Round((20m + bedrooms * 15m) * place.PriceLevel, 0),
            MinNights = _random.NextDouble() < 0.7 ? 1 : _random.Next(2, 4),
            MaxNights = _random.NextDouble() < 0.8 ? 30 : 90,
            CreatedAt = property.CreatedAt,
            UpdatedAt = property.CreatedAt,
        };
        var rules = new List<RateRule>();
        void Add(RateRuleKind kind, string name, Action<RateRule> set)
        {
            var rule = new RateRule { Id = SeededIds.Next(_random), UnitId = unit.Id, AgencyId = unit.AgencyId, Kind = kind, Name = name, CreatedAt = unit.CreatedAt };
            set(rule);
            rules.Add(rule);
        }

        for (var year = anchor.Year - size.YearsOfHistory - 1; year <= anchor.Year + 1; year++)
        {
            Add(RateRuleKind.Season, $"Summer {year}", r => { r.StartDate = new DateOnly(year, 6, 15); r.EndDate = new DateOnly(year, 9, 15); r.Percent = 25m; });
            Add(RateRuleKind.Season, $"New Year {year}", r => { r.StartDate = new DateOnly(year, 12, 28); r.EndDate = new DateOnly(year + 1, 1, 2); r.Percent = 60m; r.Priority = 1; });
        }

        Add(RateRuleKind.WeekendUplift, "Weekend", r => r.Percent = 10m + _random.Next(0, 3) * 5m);
        Add(RateRuleKind.StayLengthDiscount, "Weekly", r => { r.MinNights = 7; r.Percent = 10m; });
        Add(RateRuleKind.StayLengthDiscount, "Monthly", r => { r.MinNights = 28; r.Percent = 25m; });
        Add(RateRuleKind.Tax, "City tax", r => { r.Percent = 0m; r.AmountPerGuestNight = _random.Next(1, 5); });
        return (unit, rules);
    }

    private static UnitRates Pricing(Unit unit, string currency, List<RateRule> rules) => new(
        unit.BaseNightlyRate, unit.CleaningFee, unit.Capacity, unit.MinNights, unit.MaxNights, currency,
        [.. rules.Where(r => r.Kind == RateRuleKind.Season).Select(r => new SeasonRate(r.Name, r.StartDate!.Value, r.EndDate!.Value, r.NightlyPrice, r.Percent, r.Priority))],
        rules.Single(r => r.Kind == RateRuleKind.WeekendUplift).Percent!.Value,
        [.. rules.Where(r => r.Kind == RateRuleKind.StayLengthDiscount).Select(r => new StayLengthDiscount(r.Name, r.MinNights!.Value, r.Percent!.Value))],
        [.. rules.Where(r => r.Kind == RateRuleKind.Tax).Select(r => new TaxRate(r.Name, r.Percent ?? 0m, r.AmountPerGuestNight ?? 0m))]);

    private Guest NewGuest(int n) => new()
    {
        Id = SeededIds.Next(_random),
        Email = $"guest{n:0000000}@example.com",
        FullName = _faker.Name.FullName(),
        Phone = _random.NextDouble() < 0.7 ? _faker.Phone.PhoneNumber("+## ### ### ###") : null,
        CreatedAt = _anchorTime.AddDays(-365 * size.YearsOfHistory - 30),
    };

    /// <summary>
    /// Each unit gets its share of the bookings, laid end to end with gaps over the whole span; units that ran out of
    /// room leave a few to place, which a second round fits after the other units' last stays.
    /// </summary>
    private SeedBooking[] Bookings(List<Property> properties, List<Unit> units, List<UnitRates> rates, int guestCount)
    {
        var policyOf = properties.ToDictionary(p => p.Id, p => p.CancellationPolicy);
        var start = anchor.AddDays(-365 * size.YearsOfHistory);
        var end = start.AddDays(365 * (size.YearsOfHistory + 1));
        var bookings = new SeedBooking[size.Bookings];
        var nextFree = new DateOnly[units.Count];
        var index = 0;
        for (var u = 0; u < units.Count && index < bookings.Length; u++)
        {
            var remainingUnits = units.Count - u;
            var share = (bookings.Length - index + remainingUnits - 1) / remainingUnits;
            var slot = Math.Max(2, (end.DayNumber - start.DayNumber) / Math.Max(1, share));
            var day = start.AddDays(_random.Next(slot / 2 + 1));
            for (var k = 0; k < share && index < bookings.Length; k++)
            {
                var placed = Place(u, day, Math.Max(1, slot - 1), end);
                if (placed is null)
                {
                    break;
                }

                bookings[index++] = placed.Value;
                day = placed.Value.CheckOut.AddDays(Math.Max(0, slot - placed.Value.Nights() + _random.Next(-slot / 3, slot / 3 + 1)));
            }

            nextFree[u] = index > 0 && bookings[index - 1].Unit == u ? bookings[index - 1].CheckOut : day;
        }

        // Top up: stays right after each unit's last one, round after round, until the set is complete.
        for (var placedAny = true; index < bookings.Length && placedAny;)
        {
            placedAny = false;
            for (var u = 0; u < units.Count && index < bookings.Length; u++)
            {
                if (Place(u, nextFree[u].AddDays(_random.Next(0, 3)), 7, end) is { } placed)
                {
                    bookings[index++] = placed;
                    nextFree[u] = placed.CheckOut;
                    placedAny = true;
                }
            }
        }

        return bookings[..index];

        SeedBooking? Place(int u, DateOnly checkIn, int room, DateOnly until)
        {
            var unit = units[u];
            var nights = Math.Clamp(1 + (int)(-Math.Log(1 - _random.NextDouble()) * 3.5), unit.MinNights, Math.Min(unit.MaxNights, Math.Max(unit.MinNights, room)));
            var checkOut = checkIn.AddDays(nights);
            return checkOut > until ? null : Booking(index, u, unit, rates[u], policyOf[unit.PropertyId], checkIn, checkOut, guestCount);
        }
    }

    private SeedBooking Booking(int index, int unitIndex, Unit unit, UnitRates rates, CancellationPolicy policy, DateOnly checkIn, DateOnly checkOut, int guestCount)
    {
        var guests = (short)Math.Max(1, _random.Next(1, unit.Capacity + 1));
        var total = StayPricer.Quote(rates, checkIn, checkOut, guests).Quote!.Total;
        var lead = 1 + (int)(-Math.Log(1 - _random.NextDouble()) * 30);
        var created = new DateTimeOffset(checkIn.AddDays(-lead).ToDateTime(new TimeOnly(9 + _random.Next(12), _random.Next(60))), TimeSpan.Zero);
        if (created > _anchorTime)
        {
            created = _anchorTime.AddHours(-_random.Next(1, 24 * 30));
        }

        var cancelled = _random.NextDouble() < (checkIn > anchor ? 0.05 : 0.08);
        var status = cancelled ? BookingStatus.Cancelled
            : checkOut <= anchor ? BookingStatus.Completed
            : checkIn <= anchor ? BookingStatus.CheckedIn
            : BookingStatus.Confirmed;
        DateTimeOffset? cancelledAt = null;
        byte refund = 0;
        if (cancelled)
        {
            var latest = Min(new DateTimeOffset(checkIn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), _anchorTime);
            cancelledAt = created + (latest - created) * _random.NextDouble();
            refund = (byte)RefundPolicy.Percent(policy, DateOnly.FromDateTime(cancelledAt.Value.UtcDateTime), checkIn);
        }

        var method = _random.NextDouble() switch { < 0.85 => PaymentMethod.Card, < 0.95 => PaymentMethod.BankTransfer, _ => PaymentMethod.Cash };
        // Returning guests: a quarter of the guests make most of the bookings.
        var guest = (int)(Math.Pow(_random.NextDouble(), 1.6) * guestCount);
        return new SeedBooking(index, SeededIds.Next(_random), unitIndex, guest, checkIn, checkOut, guests, status, created, cancelledAt, total, refund, method);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
