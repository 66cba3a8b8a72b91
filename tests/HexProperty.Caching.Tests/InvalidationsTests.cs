namespace HexProperty.Caching.Tests;

public sealed class InvalidationsTests
{
    private static CacheEntry Created(long at, params string[] tags) =>
        new() { Payload = Array.Empty<byte>(), CreatedAt = at, ExpiresAt = long.MaxValue, StaleUntil = long.MaxValue, RefreshAt = long.MaxValue, Tags = tags };

    [Fact]
    public void An_entry_is_invalid_once_any_of_its_tags_its_key_or_everything_is_invalidated_at_or_after_its_creation()
    {
        var invalidations = new Invalidations();
        invalidations.Apply(InvalidationKind.Tag, "property:1", 100);
        invalidations.Apply(InvalidationKind.Key, "details:2", 100);

        Assert.False(invalidations.IsValid("details:1", Created(100, "agency:1", "property:1")));
        Assert.True(invalidations.IsValid("details:1", Created(101, "agency:1", "property:1")));
        Assert.False(invalidations.IsValid("details:2", Created(99)));
        Assert.True(invalidations.IsValid("details:3", Created(1, "agency:1")));

        invalidations.Apply(InvalidationKind.Everything, "*", 200);
        Assert.False(invalidations.IsValid("details:3", Created(150)));
        Assert.True(invalidations.IsValid("details:3", Created(201)));
    }

    [Fact]
    public void An_older_invalidation_arriving_late_never_moves_a_newer_one_back()
    {
        var invalidations = new Invalidations();
        invalidations.Apply(InvalidationKind.Tag, "unit:1", 300);
        invalidations.Apply(InvalidationKind.Tag, "unit:1", 100);
        invalidations.Apply(InvalidationKind.Everything, "*", 300);
        invalidations.Apply(InvalidationKind.Everything, "*", 100);

        Assert.False(invalidations.IsValid("k", Created(250, "unit:1")));
        Assert.False(invalidations.IsValid("k", Created(299)));
    }

    [Fact]
    public void Pruning_forgets_only_what_no_cached_entry_can_predate()
    {
        var invalidations = new Invalidations();
        invalidations.Apply(InvalidationKind.Tag, "old", 10);
        invalidations.Apply(InvalidationKind.Tag, "recent", 1_000);

        invalidations.Prune(before: 500);

        Assert.Equal(1, invalidations.Count);
        Assert.False(invalidations.IsValid("k", Created(900, "recent")));
    }

    [Fact]
    public void Sorted_set_members_keep_tags_and_keys_apart()
    {
        Assert.Equal("t:x", new Invalidation(InvalidationKind.Tag, "x", 1).Member);
        Assert.Equal("k:x", new Invalidation(InvalidationKind.Key, "x", 1).Member);
        Assert.Equal(new Invalidation(InvalidationKind.Key, "t:x", 5), Invalidation.FromMember("k:t:x", 5));
        Assert.Equal(new Invalidation(InvalidationKind.Everything, "*", 5), Invalidation.FromMember("*", 5));
        Assert.Null(Invalidation.FromMember("garbage", 5));
    }

    [Fact]
    public void Pending_invalidations_beyond_the_limit_become_one_invalidation_of_everything()
    {
        var pending = new PendingInvalidations(limit: 2);
        pending.Add([new(InvalidationKind.Tag, "a", 1), new(InvalidationKind.Set, "ignored", 1), new(InvalidationKind.Key, "b", 2)]);
        Assert.Equal(2, pending.Take(now: 9).Count);

        pending.Add([new(InvalidationKind.Tag, "a", 1), new(InvalidationKind.Tag, "b", 2), new(InvalidationKind.Tag, "c", 3)]);

        Assert.Equal([new Invalidation(InvalidationKind.Everything, "*", 9)], pending.Take(now: 9));
        Assert.Empty(pending.Take(now: 10));
    }
}
