// Signs in with fetch so a refused token shows its reason on the page; without script the form posts as usual.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("login-form");
  const error = document.getElementById("login-error");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const body = new URLSearchParams({ token: form.elements.token.value });
    try {
      const response = await fetch(form.action, { method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok && response.redirected) {
        window.location.assign(response.url);
        return;
      }
      let reason = "sign-in failed (" + response.status + ")";
      try {
        const problem = await response.json();
        if (problem && typeof problem.detail === "string") reason = problem.detail;
      } catch {
        // not a problem document: keep the status
      }
      error.textContent = reason;
    } catch (failure) {
      error.textContent = "the service cannot be reached: " + failure.message;
    }
    error.hidden = false;
    form.elements.token.focus();
  });
});
