// Every test here starts real servers; one at a time keeps them within this machine's two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
