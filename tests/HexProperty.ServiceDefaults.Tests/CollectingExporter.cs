using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace HexProperty.ServiceDefaults.Tests;

/// <summary>Receives what an exporter would: the SDK's own export processor sits in front of it.</summary>
internal sealed class CollectingExporter(ConcurrentQueue<Activity> spans) : BaseExporter<Activity>
{
    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (var activity in batch)
        {
            spans.Enqueue(activity);
        }

        return ExportResult.Success;
    }
}
