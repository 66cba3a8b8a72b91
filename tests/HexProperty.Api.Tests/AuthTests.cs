using System.Net;
using System.Net.Http.Headers;
using HexProperty.Data.Model;

namespace HexProperty.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class AuthTests(ApiFixture api)
{
    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_a_while()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var client = api.Client();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostJsonAsync("/api/auth/sign-in", new { email = staff.Email, password = "wrong password 9" })).StatusCode);
        }

        var locked = await client.PostJsonAsync("/api/auth/sign-in", new { email = staff.Email, password = staff.Password });
        api.Clock.Advance(TimeSpan.FromMinutes(16));
        var later = await client.PostJsonAsync("/api/auth/sign-in", new { email = staff.Email, password = staff.Password });

        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

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
