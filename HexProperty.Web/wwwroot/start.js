// Starts Blazor's script (blazor.web.js is loaded with autostart="false"): enhanced navigation and form posts, streamed
// rendering and the interactive islands. Its start is main-thread work, and bringing an island's circuit up is more
// (Lighthouse's mobile preset counts each as a task of 150-250 ms), so neither runs unless the page needs it, and never
// inside the page's first task:
// - A page with an island that moves by itself (the hold countdown, an export's progress, the staff's badge) starts
//   it in a task of its own, as soon as the page lets it.
// - An island marked data-start="in-view" only answers what the guest does (the property's stay planner): its page
//   starts Blazor when such an island comes into view, or at the guest's first press, key or focus anywhere. A guest
//   who only looks holds no circuit on the server; without script, or before the start, the island is its plain form.
// - A page without islands (search, the guest's details, finding a booking) starts it at the guest's first press, key
//   or focus: Blazor attaches its listeners at once, so the press's own click or submit is already an enhanced
//   navigation or form post. Before that, a link or a form is the plain one it is without script.
// A classic script, not a module: a module waits for the whole document, and a streamed page's document is only whole
// when its last update has arrived, which Blazor has to be started to show. A first load is never streamed
// (StreamWhenEnhanced), so the islands' markers are all in the document by now.
{
    let started = false;
    const start = () => {
        if (!started) {
            started = true;
            Blazor.start();
        }
    };

    const onDemand = [...document.querySelectorAll("[data-start='in-view']")];
    // Blazor's marker of each Interactive Server island is a comment: <!--Blazor:{"type":"server",...}-->.
    let startsAtOnce = false;
    const comments = document.createTreeWalker(document.body, NodeFilter.SHOW_COMMENT);
    while (!startsAtOnce && comments.nextNode()) {
        const marker = comments.currentNode;
        startsAtOnce = marker.data.startsWith('Blazor:{"type":"server"') && !onDemand.some(area => area.contains(marker));
    }

    if (startsAtOnce) {
        setTimeout(start);
    } else {
        if (onDemand.length > 0) {
            const seen = new IntersectionObserver(entries => {
                if (entries.some(e => e.isIntersecting)) {
                    seen.disconnect();
                    start();
                }
            });
            onDemand.forEach(island => seen.observe(island));
        }
        for (const type of ["pointerdown", "keydown", "focusin", "touchstart"]) {
            addEventListener(type, start, { once: true, capture: true, passive: true });
        }
    }
}
