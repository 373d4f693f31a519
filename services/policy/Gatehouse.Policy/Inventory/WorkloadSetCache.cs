using System.Collections.Concurrent;

namespace Gatehouse.Policy.Inventory;

/// <summary>
/// The parse of each digest's running set, kept with the exact member texts it was made from and, when known, the
/// <see cref="Stamp"/> (version of the set in the store) read before those texts. A reader that finds the same stamp in
/// the store uses the entry without reading the set at all; a set read again with the same texts in the same order
/// reuses the parse at the cost of one ordinal comparison per member (a reference check when the store hands back the
/// same strings, as the in-process one does). A changed set is parsed again, reusing the entries of members it kept.
/// Members are immutable texts, so an entry can never be stale, only unused; the whole cache is dropped past
/// <see cref="MemberLimit"/> members.
/// </summary>
internal sealed class WorkloadSetCache
{
    internal const int MemberLimit = 250_000;

    private readonly ConcurrentDictionary<string, Snapshot> _byDigest = new(StringComparer.Ordinal);
    private int _members;

    /// <summary>
    /// The held parse of <paramref name="digest"/> when it was read at exactly <paramref name="stamp"/>. Never for a
    /// null stamp: a set whose version is unknown (written before versions, or the epoch is missing) must be read.
    /// </summary>
    public bool TryGet(string digest, Stamp? stamp, out Snapshot snapshot)
    {
        if (stamp is { } wanted && _byDigest.TryGetValue(digest, out var held) && held.Stamp == wanted)
        {
            snapshot = held;
            return true;
        }
        snapshot = null!;
        return false;
    }

    /// <summary>
    /// The parse of <paramref name="members"/> (the set of <paramref name="digest"/>, read after its version
    /// <paramref name="stamp"/> was): its readable entries in the inventory order, namespace, owner name, pod, container,
    /// then the member text (all ordinal). Shared: do not modify its arrays.
    /// </summary>
    public Snapshot Of(string digest, Stamp? stamp, IReadOnlyList<string> members)
    {
        if (_byDigest.TryGetValue(digest, out var held) && held.Matches(members))
        {
            // The same texts: the parse stands, now known at this stamp. An unknown stamp keeps the one held, which was
            // read before these very texts and so still describes them.
            if (stamp is null || held.Stamp == stamp) return held;
            var restamped = held with { Stamp = stamp };
            _byDigest.TryUpdate(digest, restamped, held);
            return restamped;
        }
        var fresh = Snapshot.Parse(members, held) with { Stamp = stamp };
        if (Interlocked.Add(ref _members, members.Count - (held?.Size ?? 0)) > MemberLimit)
        {
            _byDigest.Clear();
            Interlocked.Exchange(ref _members, 0);
        }
        else
        {
            // A concurrent query may store an older stamp over a newer one: harmless, the next read sees the newer
            // version in the store and reads the set again.
            _byDigest[digest] = fresh;
        }
        return fresh;
    }

    /// <summary>
    /// A set's version as read from the store: <paramref name="Epoch"/> names the life of the versions hash (a flush
    /// or loss of Redis starts a new one, where versions count from 0 again), <paramref name="Version"/> the digest's field.
    /// </summary>
    internal readonly record struct Stamp(long Epoch, long Version);

    /// <param name="Members">The texts read, in the order read.</param>
    /// <param name="Ordered">The readable entries, ordered; <see cref="OrderedTexts"/> holds their texts in the same order.</param>
    internal sealed record Snapshot(string[] Members, WorkloadEntry[] Ordered, string[] OrderedTexts)
    {
        /// <summary>The version read before <see cref="Members"/> were; null when unknown (never trusted).</summary>
        public Stamp? Stamp { get; init; }

        public int Size => Members.Length;

        public bool Matches(IReadOnlyList<string> members)
        {
            if (members.Count != Members.Length) return false;
            for (var i = 0; i < Members.Length; i++)
            {
                if (!string.Equals(members[i], Members[i], StringComparison.Ordinal)) return false;
            }
            return true;
        }

        public static Snapshot Parse(IReadOnlyList<string> members, Snapshot? previous)
        {
            Dictionary<string, WorkloadEntry>? known = null;
            if (previous is { Ordered.Length: > 0 })
            {
                known = new Dictionary<string, WorkloadEntry>(previous.Ordered.Length, StringComparer.Ordinal);
                for (var i = 0; i < previous.Ordered.Length; i++) known[previous.OrderedTexts[i]] = previous.Ordered[i];
            }
            var texts = new string[members.Count];
            var parsed = new List<(string Text, WorkloadEntry Entry)>(members.Count);
            for (var i = 0; i < texts.Length; i++)
            {
                var text = texts[i] = members[i];
                var entry = known is not null && known.TryGetValue(text, out var seen) ? seen : WorkloadEntry.FromJson(text);
                if (entry is not null) parsed.Add((text, entry));
            }
            parsed.Sort(static (a, b) => Compare(a.Entry, b.Entry) is var c and not 0 ? c : string.CompareOrdinal(a.Text, b.Text));
            var ordered = new WorkloadEntry[parsed.Count];
            var orderedTexts = new string[parsed.Count];
            for (var i = 0; i < ordered.Length; i++) (orderedTexts[i], ordered[i]) = parsed[i];
            return new Snapshot(texts, ordered, orderedTexts);
        }

        private static int Compare(WorkloadEntry a, WorkloadEntry b)
        {
            var c = string.CompareOrdinal(a.Namespace, b.Namespace);
            if (c == 0) c = string.CompareOrdinal(a.OwnerName, b.OwnerName);
            if (c == 0) c = string.CompareOrdinal(a.Pod, b.Pod);
            return c != 0 ? c : string.CompareOrdinal(a.Container, b.Container);
        }
    }
}
