using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using HexProperty.Web.Staff;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace HexProperty.Web.Api;

/// <summary>
/// Every call the site makes to the Api, through service discovery (<c>http://api</c>) and the standard resilience
/// pipeline of ServiceDefaults. A 4xx comes back as an <see cref="ApiProblem"/> for the page to show next to its field;
/// an unreachable or failing Api raises <see cref="ApiUnavailableException"/>; a refused staff token raises
/// <see cref="StaffSessionExpiredException"/>. Staff calls carry the bearer token kept in the staff cookie: read from
/// the request when there is one, and from the circuit's user (the cookie it was opened with) in an interactive island.
/// </summary>
public sealed class HexApiClient(HttpClient http, IHttpContextAccessor context, AuthenticationStateProvider authentication)
{
    public const string ClientName = "api";

    // Guests

    public Task<PlatformStatus> StatusAsync(CancellationToken ct) => GetAsync<PlatformStatus>("/api/platform/status", ct);

    public Task<ApiResult<Page<PropertySummary>>> SearchAsync(IReadOnlyDictionary<string, string?> query, CancellationToken ct) =>
        SendAsync<Page<PropertySummary>>(HttpMethod.Get, "/api/properties" + Query(query), null, ct);

    public Task<ApiResult<PropertyDetails>> PropertyAsync(Guid id, CancellationToken ct) =>
        SendAsync<PropertyDetails>(HttpMethod.Get, $"/api/properties/{id}", null, ct);

    public Task<ApiResult<AvailabilityCalendar>> AvailabilityAsync(Guid id, DateOnly from, int months, CancellationToken ct) =>
        SendAsync<AvailabilityCalendar>(HttpMethod.Get, $"/api/properties/{id}/availability?from={from:yyyy-MM-dd}&months={months}", null, ct);

    public Task<ApiResult<PriceQuote>> QuoteAsync(Guid unitId, DateOnly checkIn, DateOnly checkOut, int guests, CancellationToken ct) =>
        SendAsync<PriceQuote>(HttpMethod.Get, $"/api/units/{unitId}/quote?checkIn={checkIn:yyyy-MM-dd}&checkOut={checkOut:yyyy-MM-dd}&guests={guests}", null, ct);

    /// <summary>Holds the nights; <paramref name="idempotencyKey"/> comes from the form, so a double submit makes one hold.</summary>
    public Task<ApiResult<BookingView>> HoldAsync(object request, string idempotencyKey, CancellationToken ct) =>
        SendAsync<BookingView>(HttpMethod.Post, "/api/bookings", request, ct, idempotencyKey);

    public Task<ApiResult<BookingView>> LookUpAsync(string reference, string email, CancellationToken ct) =>
        SendAsync<BookingView>(HttpMethod.Get, $"/api/bookings/{Uri.EscapeDataString(reference)}?email={Uri.EscapeDataString(email)}", null, ct);

    public Task<ApiResult<BookingView>> PayAsync(string reference, object request, string idempotencyKey, CancellationToken ct) =>
        SendAsync<BookingView>(HttpMethod.Post, $"/api/bookings/{Uri.EscapeDataString(reference)}/payments", request, ct, idempotencyKey);

    public Task<ApiResult<BookingView>> CancelAsync(string reference, string email, CancellationToken ct) =>
        SendAsync<BookingView>(HttpMethod.Post, $"/api/bookings/{Uri.EscapeDataString(reference)}/cancel", new { email }, ct);

    // Staff

    public Task<ApiResult<SignInTokens>> SignInAsync(string email, string password, CancellationToken ct) =>
        SendAsync<SignInTokens>(HttpMethod.Post, "/api/auth/sign-in", new { email, password }, ct);

    public Task<ApiResult<StaffUserView>> MeAsync(string accessToken, CancellationToken ct) =>
        SendAsync<StaffUserView>(HttpMethod.Get, "/api/staff/me", null, ct, token: accessToken);

    public Task<ApiResult<AgencyDashboard>> DashboardAsync(DateOnly from, DateOnly to, Guid? propertyId, CancellationToken ct) =>
        StaffAsync<AgencyDashboard>(HttpMethod.Get, $"/api/staff/dashboard?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}" + (propertyId is { } p ? $"&propertyId={p}" : ""), null, ct);

    /// <summary>The agency's first 100 properties by name: the choices of a property filter.</summary>
    public Task<ApiResult<Page<PropertyView>>> PropertyChoicesAsync(CancellationToken ct) =>
        PropertiesAsync(new Dictionary<string, string?> { ["limit"] = "100" }, ct);

    public Task<ApiResult<Page<PropertyView>>> PropertiesAsync(IReadOnlyDictionary<string, string?> query, CancellationToken ct) =>
        StaffAsync<Page<PropertyView>>(HttpMethod.Get, "/api/staff/properties" + Query(query), null, ct);

    public Task<ApiResult<PropertyView>> AgencyPropertyAsync(Guid id, CancellationToken ct) => StaffAsync<PropertyView>(HttpMethod.Get, $"/api/staff/properties/{id}", null, ct);

    public Task<ApiResult<PropertyView>> SavePropertyAsync(Guid? id, object request, CancellationToken ct) =>
        id is { } existing
            ? StaffAsync<PropertyView>(HttpMethod.Put, $"/api/staff/properties/{existing}", request, ct)
            : StaffAsync<PropertyView>(HttpMethod.Post, "/api/staff/properties", request, ct);

    public Task<ApiResult<List<PhotoView>>> PhotosAsync(Guid propertyId, CancellationToken ct) =>
        StaffAsync<List<PhotoView>>(HttpMethod.Get, $"/api/staff/properties/{propertyId}/photos", null, ct);

    /// <summary>Uploads one photo; the bytes are buffered, so a retried call sends them again (the Api takes the same picture once).</summary>
    public async Task<ApiResult<PhotoView>> UploadPhotoAsync(Guid propertyId, byte[] file, string? contentType, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Post, $"/api/staff/properties/{propertyId}/photos", null, null, await StaffTokenAsync());
        request.Content = new ByteArrayContent(file);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType is { Length: > 0 } ? contentType : "application/octet-stream");
        return await ReadAsync<PhotoView>(request, ct, staff: true);
    }

    public Task<ApiResult<Empty>> DeletePhotoAsync(Guid id, CancellationToken ct) => StaffAsync<Empty>(HttpMethod.Delete, $"/api/staff/photos/{id}", null, ct);

    /// <summary>One image of a photo, streamed through (the caller disposes it).</summary>
    public async Task<HttpResponseMessage> PhotoImageAsync(string sha256, int width, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Get, $"/api/photos/{Uri.EscapeDataString(sha256)}/{width}.webp", null, null, null);
        return await CallAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    public Task<ApiResult<List<UnitView>>> UnitsAsync(Guid propertyId, CancellationToken ct) =>
        StaffAsync<List<UnitView>>(HttpMethod.Get, $"/api/staff/properties/{propertyId}/units", null, ct);

    public Task<ApiResult<UnitView>> UnitAsync(Guid id, CancellationToken ct) => StaffAsync<UnitView>(HttpMethod.Get, $"/api/staff/units/{id}", null, ct);

    public Task<ApiResult<UnitView>> SaveUnitAsync(Guid propertyId, Guid? id, object request, CancellationToken ct) =>
        id is { } existing
            ? StaffAsync<UnitView>(HttpMethod.Put, $"/api/staff/units/{existing}", request, ct)
            : StaffAsync<UnitView>(HttpMethod.Post, $"/api/staff/properties/{propertyId}/units", request, ct);

    public Task<ApiResult<List<RateRuleView>>> RateRulesAsync(Guid unitId, CancellationToken ct) =>
        StaffAsync<List<RateRuleView>>(HttpMethod.Get, $"/api/staff/units/{unitId}/rate-rules", null, ct);

    public Task<ApiResult<RateRuleView>> AddRateRuleAsync(Guid unitId, object request, CancellationToken ct) =>
        StaffAsync<RateRuleView>(HttpMethod.Post, $"/api/staff/units/{unitId}/rate-rules", request, ct);

    public Task<ApiResult<Empty>> DeactivateRateRuleAsync(Guid id, CancellationToken ct) => StaffAsync<Empty>(HttpMethod.Delete, $"/api/staff/rate-rules/{id}", null, ct);

    public Task<ApiResult<List<BlockView>>> BlocksAsync(Guid unitId, CancellationToken ct) =>
        StaffAsync<List<BlockView>>(HttpMethod.Get, $"/api/staff/units/{unitId}/blocks", null, ct);

    public Task<ApiResult<BlockView>> AddBlockAsync(Guid unitId, object request, CancellationToken ct) =>
        StaffAsync<BlockView>(HttpMethod.Post, $"/api/staff/units/{unitId}/blocks", request, ct);

    public Task<ApiResult<Empty>> DeactivateBlockAsync(Guid id, CancellationToken ct) => StaffAsync<Empty>(HttpMethod.Delete, $"/api/staff/blocks/{id}", null, ct);

    public Task<ApiResult<Page<StaffBookingRow>>> BookingsAsync(IReadOnlyDictionary<string, string?> query, CancellationToken ct) =>
        StaffAsync<Page<StaffBookingRow>>(HttpMethod.Get, "/api/staff/bookings" + Query(query), null, ct);

    public Task<ApiResult<Page<StaffPaymentRow>>> PaymentsAsync(IReadOnlyDictionary<string, string?> query, CancellationToken ct) =>
        StaffAsync<Page<StaffPaymentRow>>(HttpMethod.Get, "/api/staff/payments" + Query(query), null, ct);

    public Task<ApiResult<Page<AuditEntryView>>> AuditAsync(IReadOnlyDictionary<string, string?> query, CancellationToken ct) =>
        StaffAsync<Page<AuditEntryView>>(HttpMethod.Get, "/api/staff/audit" + Query(query), null, ct);

    public Task<ApiResult<JobView>> EnqueueExportAsync(object parameters, CancellationToken ct) =>
        StaffAsync<JobView>(HttpMethod.Post, "/api/staff/jobs", new { type = "export", parameters }, ct);

    public Task<ApiResult<Page<JobView>>> JobsAsync(string? after, CancellationToken ct) =>
        StaffAsync<Page<JobView>>(HttpMethod.Get, "/api/staff/jobs" + Query(new Dictionary<string, string?> { ["limit"] = "20", ["after"] = after }), null, ct);

    public Task<ApiResult<JobView>> JobAsync(Guid id, CancellationToken ct) => StaffAsync<JobView>(HttpMethod.Get, $"/api/staff/jobs/{id}", null, ct);

    public Task<ApiResult<JobView>> CancelJobAsync(Guid id, CancellationToken ct) => StaffAsync<JobView>(HttpMethod.Post, $"/api/staff/jobs/{id}/cancel", null, ct);

    /// <summary>The export file's response, streamed through to the browser (the caller disposes it).</summary>
    public async Task<HttpResponseMessage> DownloadAsync(Guid id, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Get, $"/api/staff/jobs/{id}/file", null, null, await StaffTokenAsync());
        return await CallAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    public Task<ApiResult<Page<NotificationView>>> NotificationsAsync(bool unreadOnly, CancellationToken ct) =>
        StaffAsync<Page<NotificationView>>(HttpMethod.Get, "/api/staff/notifications?limit=50" + (unreadOnly ? "&unread=true" : ""), null, ct);

    public Task<ApiResult<NotificationSummary>> NotificationSummaryAsync(CancellationToken ct) =>
        StaffAsync<NotificationSummary>(HttpMethod.Get, "/api/staff/notifications/summary", null, ct);

    public Task<ApiResult<Empty>> ReadNotificationAsync(Guid id, CancellationToken ct) => StaffAsync<Empty>(HttpMethod.Post, $"/api/staff/notifications/{id}/read", null, ct);

    public Task<ApiResult<Empty>> ReadAllNotificationsAsync(CancellationToken ct) => StaffAsync<Empty>(HttpMethod.Post, "/api/staff/notifications/read-all", null, ct);

    // Operators

    /// <summary>Whether the token may use the operations endpoints (the Api answers 403 otherwise).</summary>
    public async Task<bool> IsOperatorAsync(string accessToken, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Get, "/api/ops/schedules", null, null, accessToken);
        using var response = await CallAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        return response.IsSuccessStatusCode;
    }

    public Task<ApiResult<OpsOverview>> OpsOverviewAsync(CancellationToken ct) => StaffAsync<OpsOverview>(HttpMethod.Get, "/api/ops/overview", null, ct);

    public Task<ApiResult<Page<DeadLetterView>>> DeadLettersAsync(CancellationToken ct) => StaffAsync<Page<DeadLetterView>>(HttpMethod.Get, "/api/ops/dead-letters?limit=20", null, ct);

    public Task<ApiResult<ScheduleView[]>> SchedulesAsync(CancellationToken ct) => StaffAsync<ScheduleView[]>(HttpMethod.Get, "/api/ops/schedules", null, ct);

    public Task<ApiResult<MonitoringView>> OpsMetricsAsync(CancellationToken ct) => StaffAsync<MonitoringView>(HttpMethod.Get, "/api/ops/metrics", null, ct);

    /// <summary>Alerts newest first: <paramref name="state"/> "firing", "resolved" or null for both.</summary>
    public Task<ApiResult<Page<AlertView>>> AlertsAsync(string? state, int limit, CancellationToken ct) =>
        StaffAsync<Page<AlertView>>(HttpMethod.Get, "/api/ops/alerts" + Query(new Dictionary<string, string?> { ["state"] = state, ["limit"] = limit.ToString(CultureInfo.InvariantCulture) }), null, ct);

    public Task<ApiResult<AlertView>> AcknowledgeAlertAsync(Guid id, CancellationToken ct) => StaffAsync<AlertView>(HttpMethod.Post, $"/api/ops/alerts/{id}/acknowledge", null, ct);

    public Task<ApiResult<Empty>> ReplayDeadLetterAsync(Guid id, CancellationToken ct) => StaffAsync<Empty>(HttpMethod.Post, $"/api/ops/dead-letters/{id}/replay", null, ct);

    // Plumbing

    /// <summary>Builds <c>?a=1&amp;b=2</c> from the values that are set.</summary>
    public static string Query(IReadOnlyDictionary<string, string?> values)
    {
        var query = new StringBuilder();
        foreach (var (name, value) in values)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                query.Append(query.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value.Trim()));
            }
        }

        return query.ToString();
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken ct)
    {
        var result = await SendAsync<T>(HttpMethod.Get, path, null, ct);
        return result.Value ?? throw new ApiUnavailableException($"The booking service refused {path}: {result.Problem?.Message}");
    }

    private async Task<ApiResult<T>> StaffAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct) =>
        await SendAsync<T>(method, path, body, ct, token: await StaffTokenAsync());

    private async Task<string> StaffTokenAsync()
    {
        // An interactive island has no request: its user is the circuit's, given by the authentication state.
        var user = context.HttpContext is { } http ? http.User : (await authentication.GetAuthenticationStateAsync()).User;
        return user.FindFirst(StaffClaims.AccessToken)?.Value ?? throw new StaffSessionExpiredException();
    }

    private async Task<ApiResult<T>> SendAsync<T>(
        HttpMethod method, string path, object? body, CancellationToken ct, string? idempotencyKey = null, string? token = null)
    {
        using var request = Request(method, path, body, idempotencyKey, token);
        return await ReadAsync<T>(request, ct, staff: token is not null);
    }

    private async Task<ApiResult<T>> ReadAsync<T>(HttpRequestMessage request, CancellationToken ct, bool staff)
    {
        using var response = await CallAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        if (response.IsSuccessStatusCode)
        {
            return response.StatusCode is HttpStatusCode.NoContent || typeof(T) == typeof(Empty) || response.Content.Headers.ContentLength == 0
                ? new ApiResult<T>(default, null)
                : new ApiResult<T>(await response.Content.ReadFromJsonAsync<T>(ct), null);
        }

        // Only a call made with a staff token can find that token refused; a wrong password at sign-in is a problem to show.
        if (response.StatusCode == HttpStatusCode.Unauthorized && staff)
        {
            throw new StaffSessionExpiredException();
        }

        return new ApiResult<T>(default, await ApiProblem.ReadAsync(response, ct));
    }

    private HttpRequestMessage Request(HttpMethod method, string path, object? body, string? idempotencyKey, string? token)
    {
        var request = new HttpRequestMessage(method, path);
        // The Api limits abuse per client address: it is the visitor's, not this site's (the Api trusts it from us only).
        if (context.HttpContext?.Connection.RemoteIpAddress is { } visitor)
        {
            request.Headers.Add("X-Forwarded-For", visitor.ToString());
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private async Task<HttpResponseMessage> CallAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        // A form's submit handler runs inside Blazor's own event activity, which .NET 10 starts as the root of a trace of
        // its own (linked to the request, not its child): calls from it would leave the request's trace, and a payment
        // would not be one trace from the site's form through the Api to the Worker.
        if (context.HttpContext?.Features.Get<IHttpActivityFeature>()?.Activity is { } requestActivity && Activity.Current?.TraceId != requestActivity.TraceId)
        {
            Activity.Current = requestActivity; // for this call only: an async method's changes do not flow back to its caller
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, completion, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or TimeoutRejectedException
            or BrokenCircuitException)
        {
            throw new ApiUnavailableException(e is BrokenCircuitException
                ? "The booking service is failing; calls to it are paused for a few seconds."
                : "The booking service is not answering.", e);
        }

        if ((int)response.StatusCode >= 500)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new ApiUnavailableException(string.Create(CultureInfo.InvariantCulture, $"The booking service failed (status {status})."));
        }

        return response;
    }
}

/// <summary>The body of an answer the site only needs the status of.</summary>
public sealed record Empty;
