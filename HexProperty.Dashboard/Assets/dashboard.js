// The dashboard's only script: pages work without it (forms and links), and with it they stay live.
"use strict";
(() => {
  const live = document.getElementById("live");
  if (live) {
    live.checked = localStorage.getItem("dashboard-live") !== "off";
    live.addEventListener("change", () => localStorage.setItem("dashboard-live", live.checked ? "on" : "off"));
  }
  const isLive = () => !live || live.checked;

  // A section marked data-refresh re-renders from the server every so often, unless the developer is reading
  // an open detail or typing in one of its fields.
  for (const section of document.querySelectorAll("[data-refresh]")) {
    const every = Number(section.dataset.refresh) || 3000;
    setInterval(async () => {
      if (!isLive() || document.hidden || section.querySelector("details[open]") || section.contains(document.activeElement)) return;
      try {
        const response = await fetch(location.href, { headers: { "X-Dashboard-Refresh": "1" } });
        if (!response.ok) return;
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.querySelector(`[data-refresh="${section.dataset.refresh}"]`);
        if (fresh) section.innerHTML = fresh.innerHTML;
      } catch { /* the AppHost is stopping; the next tick tries again */ }
    }, every);
  }

  for (const select of document.querySelectorAll("select[data-navigate]")) {
    select.addEventListener("change", () => { if (select.value) location.href = select.dataset.navigate + encodeURIComponent(select.value); });
  }

  // Console output follows the resource live over Server-Sent Events.
  const console = document.querySelector("pre[data-stream]");
  if (console) {
    const maxLines = 10000;
    const source = new EventSource(console.dataset.stream);
    let lines = 0;
    source.addEventListener("open", () => { console.textContent = ""; lines = 0; });
    source.addEventListener("line", (event) => {
      if (!isLive()) return;
      const atBottom = console.scrollTop + console.clientHeight >= console.scrollHeight - 4;
      console.append(event.data + "\n");
      if (++lines > maxLines) { console.firstChild?.remove(); lines--; }
      if (atBottom) console.scrollTop = console.scrollHeight;
    });
  }
})();
