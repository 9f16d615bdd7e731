// Live markdown preview for the System edit forms, and nothing else: the page works without it (its "Preview" button
// renders on the server). A textarea with data-preview-url names, in data-preview-target, the element that shows its
// rendering. While someone types, the text is posted (after a pause of 300 ms, with the form's antiforgery token) to
// the server, which renders it with the same sanitizing renderer as every page, so the preview is what will be shown.
"use strict";

for (const source of document.querySelectorAll("textarea[data-preview-url]")) {
  const target = document.getElementById(source.dataset.previewTarget);
  const state = document.getElementById(source.dataset.previewState);
  const token = source.form?.querySelector("input[name=__RequestVerificationToken]");
  if (!target || !state || !token) {
    continue;
  }

  let pause;
  let latest = 0;
  const render = async () => {
    const asked = ++latest;
    const body = new URLSearchParams({ markdown: source.value, __RequestVerificationToken: token.value });
    try {
      const response = await fetch(source.dataset.previewUrl, { method: "POST", body, credentials: "same-origin" });
      if (asked !== latest) {
        return; // a newer text is on its way; this answer is stale
      }

      if (!response.ok) {
        state.textContent = response.status === 400
          ? "Preview stopped: this text cannot be saved as it is (the form names the problem when you save)."
          : "Preview unavailable; use the Preview button.";
        return;
      }

      const fragment = new DOMParser().parseFromString(await response.text(), "text/html");
      target.replaceChildren(...fragment.body.childNodes);
      state.textContent = source.value.trim() === "" ? "Nothing to preview." : "Preview updated as you type.";
    } catch {
      if (asked === latest) {
        state.textContent = "Preview unavailable; use the Preview button.";
      }
    }
  };

  source.addEventListener("input", () => {
    clearTimeout(pause);
    pause = setTimeout(render, 300);
  });
}
