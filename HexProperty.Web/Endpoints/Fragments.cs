using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace HexProperty.Web.Endpoints;

/// <summary>Renders a Razor component to an HTML string, for what is not a page: Server-Sent Events and error answers.</summary>
public sealed class Fragments(IServiceProvider services, ILoggerFactory loggers)
{
    public async Task<string> RenderAsync<TComponent>(IDictionary<string, object?> parameters)
        where TComponent : IComponent
    {
        await using var renderer = new HtmlRenderer(services, loggers);
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString());
    }
}
