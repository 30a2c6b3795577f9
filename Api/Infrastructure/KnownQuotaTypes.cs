using Tollgate.Grains.Billing;

namespace Tollgate.Api.Infrastructure;

/// <summary>
/// The catalog's quota types as this silo last read them, so that a consume, check or refund naming
/// a quota type that does not exist is answered without activating a counter for it (one per name a
/// caller can make up). A known name costs a set lookup. A name not known yet is looked up by a read
/// of the catalog grain that starts after the question, so a quota type created a moment ago on any
/// silo is found at its first use; questions asked while a read is in flight share the next read, so
/// a flood of made-up names costs one catalog read at a time and no activation.
/// </summary>
/// <remarks>
/// Each read replaces the whole set: were quota types ever removed, the next miss would drop them here too.
/// Tools are known the same way, with their price (<see cref="ToolAsync"/>): a tool keeps its price once created.
/// </remarks>
public sealed class KnownQuotaTypes(IGrainFactory grains)
{
    private readonly Lock _gate = new();
    private volatile IReadOnlySet<string> _known = new HashSet<string>(StringComparer.Ordinal);
    private volatile IReadOnlyDictionary<string, ToolInfo> _tools = new Dictionary<string, ToolInfo>(StringComparer.Ordinal);
    private TaskCompletionSource? _nextRead; // the questions the next read answers
    private bool _reading;

    public async ValueTask<bool> ExistsAsync(string quotaType)
    {
        if (_known.Contains(quotaType)) return true;
        await NextReadAsync();
        return _known.Contains(quotaType);
    }

    /// <summary>The tool named <paramref name="toolId"/>, or null when the catalog has none.</summary>
    public async ValueTask<ToolInfo?> ToolAsync(string toolId)
    {
        if (_tools.TryGetValue(toolId, out var tool)) return tool;
        await NextReadAsync();
        return _tools.GetValueOrDefault(toolId);
    }

    private Task NextReadAsync()
    {
        TaskCompletionSource next;
        bool start;
        lock (_gate)
        {
            next = _nextRead ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (start, _reading) = (!_reading, true);
        }
        if (start) _ = ReadAsync();
        return next.Task;
    }

    /// <summary>
    /// Reads the catalog for the questions gathered, then for those gathered meanwhile. Never throws: outcomes go to the questions.
    /// </summary>
    private async Task ReadAsync()
    {
        while (true)
        {
            TaskCompletionSource questions;
            lock (_gate)
            {
                if (_nextRead is null)
                {
                    _reading = false;
                    return;
                }
                (questions, _nextRead) = (_nextRead, null);
            }
            try
            {
                var catalog = await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).Get();
                _known = catalog.QuotaTypes.Select(q => q.Id).ToHashSet(StringComparer.Ordinal);
                _tools = catalog.Tools.ToDictionary(t => t.Id, StringComparer.Ordinal);
                questions.SetResult();
            }
            catch (Exception exception)
            {
                questions.SetException(exception);
            }
        }
    }
}
