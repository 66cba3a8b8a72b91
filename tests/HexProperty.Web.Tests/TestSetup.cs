using System.Runtime.CompilerServices;
using Bunit;

namespace HexProperty.Web.Tests;

/// <summary>
/// Waits that hold on a shared, busy machine. CI once saw an island's wait time out unchecked: bUnit's dispatcher had no
/// thread within the default 1 s while other test projects built. A wait still ends as soon as its condition holds.
/// </summary>
internal static class TestSetup
{
    [ModuleInitializer]
    internal static void Initialize()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, Environment.ProcessorCount * 4), io);
        BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(15);
    }
}
