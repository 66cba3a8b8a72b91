// Starts Blazor's script (blazor.web.js is loaded with autostart="false"): enhanced navigation and form posts, streamed
// rendering and the interactive islands. Its start is main-thread work, and bringing an island's circuit up is more (on
// a mid-range phone about 150 ms each), so neither runs inside the page's first long task:
// - An island marked data-start="in-view" only answers what the guest does (the property's stay planner): its page
//   starts Blazor when such an island comes into view, or at the guest's first press, key or focus anywhere. A guest
//   who only looks holds no circuit on the server; without script, or before the start, the island is its plain form.
// - Any other page starts it in a task of its own, as soon as the page lets it.
// A classic script, not a module: a module waits for the whole document, and a streamed page's document is only whole
// when its last update has arrived, which Blazor has to be started to show.
{
    let started = false;
    const start = () => {
        if (!started) {
            started = true;
            Blazor.start();
        }
    };

    const onDemand = document.querySelectorAll("[data-start='in-view']");
    if (onDemand.length === 0) {
        setTimeout(start);
    } else {
        const seen = new IntersectionObserver(entries => {
            if (entries.some(e => e.isIntersecting)) {
                seen.disconnect();
                start();
            }
        });
        onDemand.forEach(island => seen.observe(island));
        for (const type of ["pointerdown", "keydown", "focusin", "touchstart"]) {
            addEventListener(type, start, { once: true, capture: true, passive: true });
        }
    }
}
