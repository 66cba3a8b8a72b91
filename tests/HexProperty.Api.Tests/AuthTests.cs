using System.Net;
using System.Net.Http.Headers;
using HexProperty.Data.Model;
using HexProperty.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace HexProperty.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class AuthTests(ApiFixture api)
{
    [Fact]
    public async Task A_wrong_email_and_a_wrong_password_get_the_same_answer()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var client = api.Client();

        var wrongPassword = await client.PostJsonAsync("/api/auth/sign-in", new { email = staff.Email, password = "wrong password 9" });
        var wrongEmail = await client.PostJsonAsync("/api/auth/sign-in", new { email = "nobody-" + staff.Email, password = "wrong password 9" });

        Assert.Equal(wrongPassword.StatusCode, wrongEmail.StatusCode);
        Assert.Equal((string?)(await wrongPassword.BodyAsync())["detail"], (string?)(await wrongEmail.BodyAsync())["detail"]);
    }

    [Fact]
    public async Task Roles_decide_who_manages_the_catalogue_and_the_staff()
    {
        var owner = await StaffSession.SignUpAsync(api);
        var manager = await owner.AddStaffAsync(StaffRole.Manager);
        var agent = await owner.AddStaffAsync(StaffRole.Agent);
        var property = new
        {
            name = "Role test",
            type = PropertyType.Studio,
            addressLine = "a",
            city = "Porto",
            country = "PT",
            latitude = 41m,
            longitude = -8m,
            cancellationPolicy = CancellationPolicy.Flexible,
            currency = "EUR",
        };

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostJsonAsync("/api/staff/properties", property)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await manager.PostJsonAsync("/api/staff/properties", property)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/staff/properties")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/staff/bookings")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/staff/users")).StatusCode);
        Assert.Equal(3, (await (await owner.Client.GetAsync("/api/staff/users")).BodyAsync()).AsArray().Count);
    }

    [Fact]
    public async Task A_refresh_token_renews_access_until_the_account_is_deactivated()
    {
        var owner = await StaffSession.SignUpAsync(api);
        var email = $"agent-{Guid.NewGuid():N}@agency.test";
        var added = await (await owner.Client.PostJsonAsync("/api/staff/users", new { email, displayName = "Agent", role = StaffRole.Agent, password = owner.Password })).BodyAsync();
        var signIn = await (await api.Client().PostJsonAsync("/api/auth/sign-in", new { email, password = owner.Password })).BodyAsync();
        var refreshToken = (string)signIn["refreshToken"]!;

        var renewed = await api.Client().PostJsonAsync("/api/auth/refresh", new { refreshToken });
        await owner.Client.PutJsonAsync($"/api/staff/users/{added["id"]}", new { displayName = "Agent", role = StaffRole.Agent, active = false });
        var refused = await api.Client().PostJsonAsync("/api/auth/refresh", new { refreshToken });
        var signInRefused = await api.Client().PostJsonAsync("/api/auth/sign-in", new { email, password = owner.Password });

        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.NotNull((string?)(await renewed.BodyAsync())["accessToken"]);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, signInRefused.StatusCode);
    }

    [Fact]
    public async Task Deactivating_a_staff_member_stops_their_token_at_once_here_and_within_the_recheck_on_another_replica()
    {
        var owner = await StaffSession.SignUpAsync(api);
        var agent = await owner.AddStaffAsync(StaffRole.Agent);
        using var other = api.StartApi(configure: web => web.UseSetting("StaffAccess:Recheck", "00:00:01")).CreateClient();
        other.DefaultRequestHeaders.Authorization = agent.DefaultRequestHeaders.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/staff/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/staff/me")).StatusCode); // the other replica has read it now
        var me = await (await agent.GetAsync("/api/staff/me")).BodyAsync();

        await owner.Client.PutJsonAsync($"/api/staff/users/{me["id"]}", new { displayName = "Agent", role = StaffRole.Agent, active = false });

        Assert.Equal(HttpStatusCode.Unauthorized, (await agent.GetAsync("/api/staff/me")).StatusCode);
        await Eventually.TrueAsync(async () => (await other.GetAsync("/api/staff/me")).StatusCode == HttpStatusCode.Unauthorized,
            "the other replica still accepts a deactivated member's token");
    }

    [Fact]
    public async Task A_changed_role_applies_to_the_token_already_issued()
    {
        var owner = await StaffSession.SignUpAsync(api);
        var manager = await owner.AddStaffAsync(StaffRole.Manager);
        var property = await owner.CreatePropertyAsync();
        var me = await (await manager.GetAsync("/api/staff/me")).BodyAsync();
        var rename = new { name = "Renamed", type = PropertyType.Studio, addressLine = "a", city = "Porto", country = "PT", latitude = 41m, longitude = -8m, cancellationPolicy = CancellationPolicy.Flexible, currency = "EUR", timeZone = "Europe/Lisbon" };
        Assert.Equal(HttpStatusCode.OK, (await manager.PutJsonAsync($"/api/staff/properties/{property}", rename)).StatusCode);

        await owner.Client.PutJsonAsync($"/api/staff/users/{me["id"]}", new { displayName = "Demoted", role = StaffRole.Agent, active = true });

        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PutJsonAsync($"/api/staff/properties/{property}", rename)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/api/staff/bookings")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_or_deactivated_email_costs_one_password_verification_like_a_known_one()
    {
        var hasher = new CountingHasher();
        using var instance = api.StartApi(configure: web => web.ConfigureTestServices(services => services.AddSingleton<IPasswordHasher<StaffUser>>(hasher)));
        var client = instance.CreateClient();
        var owner = await StaffSession.SignUpAsync(api);
        var agentEmail = $"gone-{Guid.NewGuid():N}@agency.test";
        var added = await (await owner.Client.PostJsonAsync("/api/staff/users", new { email = agentEmail, displayName = "Gone", role = StaffRole.Agent, password = owner.Password })).BodyAsync();
        await owner.Client.PutJsonAsync($"/api/staff/users/{added["id"]}", new { displayName = "Gone", role = StaffRole.Agent, active = false });

        var costs = new List<int>();
        foreach (var (email, password) in new[] { (owner.Email, "wrong password 9"), ("nobody-" + owner.Email, "wrong password 9"), (agentEmail, owner.Password) })
        {
            var before = hasher.Verifications;
            var answer = await client.PostJsonAsync("/api/auth/sign-in", new { email, password });
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            costs.Add(hasher.Verifications - before);
        }

        Assert.Equal([1, 1, 1], costs);
    }

    /// <summary>The framework's hasher, counting its verifications.</summary>
    private sealed class CountingHasher : IPasswordHasher<StaffUser>
    {
        private readonly PasswordHasher<StaffUser> _inner = new();
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public string HashPassword(StaffUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(StaffUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    [Fact]
    public async Task A_token_issued_by_one_Api_instance_is_accepted_by_another()
    {
        var owner = await StaffSession.SignUpAsync(api);
        using var other = api.StartApi().CreateClient();
        other.DefaultRequestHeaders.Authorization = owner.Client.DefaultRequestHeaders.Authorization;

        var me = await other.GetAsync("/api/staff/me");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(owner.Email, (string?)(await me.BodyAsync())["email"]);
    }

    [Fact]
    public async Task An_owner_cannot_lock_themselves_out()
    {
        var owner = await StaffSession.SignUpAsync(api);
        var me = await (await owner.Client.GetAsync("/api/staff/me")).BodyAsync();

        var demote = await owner.Client.PutJsonAsync($"/api/staff/users/{me["id"]}", new { displayName = "Me", role = StaffRole.Agent, active = true });

        Assert.Equal(HttpStatusCode.Conflict, demote.StatusCode);
    }
}
