// Keeps the page's address in step with what an interactive island shows (the chosen dates and guests), without a
// navigation, so a reload, a shared link or a reconnect to another replica comes back to the same stay. Blazor keeps
// its own data in history.state: it is carried over.
export function keepInAddress(url) {
    history.replaceState(history.state, "", url);
}
