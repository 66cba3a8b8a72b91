using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace HexProperty.Web.Guests;

/// <summary>
/// The bookings this browser made, as reference and email in an encrypted HttpOnly cookie, so the checkout,
/// countdown and confirmation pages can ask the Api about them (it answers only to reference and email) without the
/// guest typing the email again and without putting it in a URL. Another browser uses "Find my booking".
/// </summary>
public sealed class GuestPass(IDataProtectionProvider protection)
{
    public const string CookieName = "hexproperty-guest";
    private const int MaxBookings = 5;
    private readonly IDataProtector _protector = protection.CreateProtector("HexProperty.Web.GuestPass");

    public string? EmailFor(HttpContext http, string reference) =>
        Read(http).FirstOrDefault(b => string.Equals(b.Reference, reference, StringComparison.OrdinalIgnoreCase))?.Email;

    public void Remember(HttpContext http, string reference, string email)
    {
        var bookings = Read(http).Where(b => !string.Equals(b.Reference, reference, StringComparison.OrdinalIgnoreCase)).Prepend(new Entry(reference, email)).Take(MaxBookings).ToList();
        http.Response.Cookies.Append(CookieName, _protector.Protect(JsonSerializer.Serialize(bookings)), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            MaxAge = TimeSpan.FromDays(30),
            IsEssential = true,
        });
    }

    private List<Entry> Read(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<Entry>>(_protector.Unprotect(value)) ?? [];
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or JsonException)
        {
            return []; // keys rotated or the cookie was tampered with: the guest finds the booking by reference and email
        }
    }

    private sealed record Entry(string Reference, string Email);
}
