using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components.Forms;

namespace HexProperty.Web.Forms;

/// <summary>
/// The antiforgery token of the site's server-rendered forms (<c>&lt;AntiforgeryToken /&gt;</c>), made only when a page
/// renders such a form. Blazor's own provider also copies a token into every page's persisted component state, for
/// forms that interactive components might post. No island here posts a form (they show figures and send nothing), and
/// that copy made every page, even one whose forms only GET, create a token, set the antiforgery cookie, go out
/// <c>no-cache, no-store</c> and encrypt it into the page: 15 % of the CPU samples of serving the search form, whose
/// throughput rose 14 % without it (bench/README.md, web-versus.sh). An island that must post a form takes its token
/// from the page around it, not from here.
/// </summary>
public sealed class FormAntiforgery(IAntiforgery antiforgery, IHttpContextAccessor accessor) : AntiforgeryStateProvider
{
    public override AntiforgeryRequestToken? GetAntiforgeryToken()
    {
        if (accessor.HttpContext is not { } context)
        {
            return null;
        }

        // Once the response has started (a streamed page) the cookie can no longer be set: only a token that matches the
        // cookie the request already carries can be given. The site's streamed pages that post (staff pages) render the
        // layout's sign-out form first, so their token and cookie are made before anything is sent.
        var tokens = context.Response.HasStarted ? antiforgery.GetTokens(context) : antiforgery.GetAndStoreTokens(context);
        return tokens.RequestToken is null ? null : new AntiforgeryRequestToken(tokens.RequestToken, tokens.FormFieldName);
    }
}
