using System.Collections;
using System.Diagnostics;

namespace Gatehouse.Testing;

/// <summary>
/// A thread-safe sink for OpenTelemetry's in-memory exporter. Several hosts in one test process each export
/// every span they see, so spans are de-duplicated by id.
/// </summary>
public sealed class SpanCollection : ICollection<Activity>
{
    private readonly Dictionary<ActivitySpanId, Activity> _spans = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get { lock (_gate) return _spans.Count; }
    }

    public bool IsReadOnly => false;

    public void Add(Activity item)
    {
        lock (_gate) _spans.TryAdd(item.SpanId, item);
    }

    public IReadOnlyList<Activity> Snapshot()
    {
        lock (_gate) return [.. _spans.Values];
    }

    /// <summary>Spans whose tag <paramref name="tag"/> equals <paramref name="value"/>.</summary>
    public IReadOnlyList<Activity> WithTag(string tag, string value) =>
        [.. Snapshot().Where(s => s.GetTagItem(tag) as string == value)];

    public void Clear()
    {
        lock (_gate) _spans.Clear();
    }

    public bool Contains(Activity item)
    {
        lock (_gate) return _spans.ContainsKey(item.SpanId);
    }

    public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().ToArray().CopyTo(array, arrayIndex);

    public bool Remove(Activity item)
    {
        lock (_gate) return _spans.Remove(item.SpanId);
    }

    public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
