using Microsoft.EntityFrameworkCore;

namespace HexProperty.Api.Data;

/// <summary>The booking platform's database (hexdb). Entities arrive with the booking core.</summary>
public sealed class HexDbContext(DbContextOptions<HexDbContext> options) : DbContext(options);
