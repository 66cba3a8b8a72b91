// Staff photo uploads with a progress bar. The form (data-upload) posts as it would without script, but through
// XMLHttpRequest, whose upload events report the bytes sent; the site answers JSON naming the page to show next.
// Listening on the document, not the form, keeps it working on pages that enhanced navigation swaps in.
document.addEventListener("submit", event => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload")) {
        return;
    }

    event.preventDefault();
    const progress = form.querySelector("progress");
    const status = form.querySelector(".upload-status");
    const button = form.querySelector("button[type=submit]");
    const fail = message => {
        status.textContent = message;
        button.disabled = false;
    };
    let announced = -100;
    const show = percent => {
        progress.hidden = false;
        progress.value = percent;
        // Every tenth percent is enough for a screen reader to follow.
        if (percent === 100 || percent - announced >= 10) {
            announced = percent;
            status.textContent = percent < 100 ? `Uploading… ${percent}%` : "Uploaded; making the images…";
        }
    };

    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", e => e.lengthComputable && show(Math.round(e.loaded * 100 / e.total)));
    request.addEventListener("load", () => {
        if (request.status >= 200 && request.status < 300) {
            location.assign(JSON.parse(request.responseText).next);
        } else {
            fail(request.status === 413 ? "The upload is too large: send fewer or smaller photos." : `The upload failed (status ${request.status}); try again.`);
        }
    });
    request.addEventListener("error", () => fail("The upload failed: the site could not be reached; try again."));
    button.disabled = true;
    show(0);
    request.send(new FormData(form));
});
