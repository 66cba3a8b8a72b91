using HexProperty.Web.Api;
using Microsoft.AspNetCore.Components;

namespace HexProperty.Web.Components;

/// <summary>
/// A page's content that waits on the Api, rendered by its route through <see cref="StreamWhenEnhanced"/>: whole on
/// a first load, streamed (a subclass marked <c>[StreamRendering]</c>) when Blazor's script asked for it. Streamed, it
/// paints at once with <see cref="Loading"/> set and fills in; its status line is sent by the time the Api fails, so
/// an Api that is not answering is said in place (<see cref="Unavailable"/>, shown with SiteProblem) and an expired
/// staff session is sent to sign-in. Rendered whole, both reach the site's error handling (a 503 page, the redirect).
/// </summary>
public abstract class ApiView : ComponentBase
{
    [Inject] private NavigationManager Navigation { get; set; } = null!;

    protected bool Loading { get; private set; }

    /// <summary>Why the Api could not serve the page, when it could not and the page was streaming.</summary>
    protected string? Unavailable { get; private set; }

    private bool Streams => GetType().IsDefined(typeof(StreamRenderingAttribute), inherit: true);

    protected async Task LoadAsync(Func<Task> load)
    {
        (Loading, Unavailable) = (true, null);
        try
        {
            await load();
        }
        catch (ApiUnavailableException e) when (Streams)
        {
            Unavailable = e.Message;
        }
        catch (StaffSessionExpiredException) when (Streams)
        {
            Navigation.NavigateTo("/staff/sign-in?expired=1&returnUrl=" + Uri.EscapeDataString("/" + Navigation.ToBaseRelativePath(Navigation.Uri)));
        }
        finally
        {
            Loading = false;
        }
    }
}
