using Microsoft.AspNetCore.Components;

namespace HexProperty.Web.Components;

/// <summary>
/// An island that moves by itself: once its circuit is running, <see cref="TickAsync"/> runs every
/// <see cref="Every"/> and the island renders after each step, until a step says to stop or the page is left.
/// Prerendered (or without script) it is the page's snapshot and nothing runs.
/// </summary>
public abstract class LiveIsland : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    [Inject] protected TimeProvider Time { get; set; } = null!;

    protected abstract TimeSpan Every { get; }

    /// <summary>Whether there is anything to follow when the circuit starts.</summary>
    protected virtual bool Live => true;

    /// <summary>One step; false stops the island after this render.</summary>
    protected abstract Task<bool> TickAsync(CancellationToken cancellationToken);

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive && Live)
        {
            _ = FollowAsync(_stop.Token);
        }
    }

    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Every, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var more = await TickAsync(cancellationToken);
                await InvokeAsync(StateHasChanged);
                if (!more)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the page was left
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
