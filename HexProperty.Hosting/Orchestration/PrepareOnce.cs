namespace HexProperty.Hosting.Orchestration;

/// <summary>
/// Runs a resource's preparation (initdb, config files) once for all its instances; a failed attempt is not
/// remembered, so the next caller tries again.
/// </summary>
internal sealed class PrepareOnce(Func<CancellationToken, Task> prepare)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _done;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_done)
            {
                await prepare(cancellationToken);
                _done = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
