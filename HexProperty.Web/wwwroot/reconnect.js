// Blazor tells the reconnect dialog each state of a lost circuit. The dialog shows the matching message (app.css);
// this script opens and closes it, retries on request, and reloads the page when the server no longer knows the
// circuit (the replica restarted and another answers): the page comes back from its URL and cookies.
const modal = document.getElementById("components-reconnect-modal");
if (modal) {
    modal.addEventListener("components-reconnect-state-changed", event => {
        const state = event.detail.state;
        if (state === "show" || state === "retrying" || state === "failed") {
            if (!modal.open) {
                modal.showModal();
            }
        } else if (state === "hide") {
            modal.close();
        } else if (state === "rejected" || state === "resume-failed") {
            location.reload();
        }
        if (state === "failed") {
            document.addEventListener("visibilitychange", retryWhenVisible);
        }
    });
    document.getElementById("components-reconnect-button")?.addEventListener("click", retry);
}

async function retry() {
    document.removeEventListener("visibilitychange", retryWhenVisible);
    try {
        if (!await Blazor.reconnect()) {
            location.reload(); // the server answered but no longer has the circuit
        }
    } catch {
        document.addEventListener("visibilitychange", retryWhenVisible);
    }
}

function retryWhenVisible() {
    if (document.visibilityState === "visible") {
        retry();
    }
}
