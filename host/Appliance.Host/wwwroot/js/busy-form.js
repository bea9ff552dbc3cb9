// Long operations (camera test, plugin upload, ...): a form with data-busy="Testing…" is sent in the background
// instead of by the browser. While it runs its buttons are disabled and the form says what is happening (with the
// upload's progress for a file); the answer's <main> then replaces this page's. The address bar shows the GET page
// (the one a redirect led to, or this one), so reloading never sends the form again. Without fetch support the
// form is posted as usual.
(() => {
  "use strict";
  if (!window.XMLHttpRequest || !window.DOMParser || !window.FormData) return;

  function status(form) {
    let el = form.querySelector(".busy-status");
    if (!el) {
      el = document.createElement("span");
      el.className = "busy-status";
      el.setAttribute("role", "status");
      form.appendChild(el);
    }
    return el;
  }

  function show(el, text, fraction) {
    el.textContent = "";
    if (fraction !== undefined) {
      const bar = document.createElement("progress");
      bar.max = 1;
      bar.value = fraction;
      el.appendChild(bar);
    }
    el.appendChild(document.createTextNode(" " + text));
  }

  function done(form, xhr, buttons) {
    const answer = new DOMParser().parseFromString(xhr.responseText, "text/html");
    const main = answer.querySelector("main");
    const target = new URL(xhr.responseURL || form.action, location.href);
    if (!main || target.pathname !== location.pathname) {
      location.assign(target); // another page (e.g. signed out): go there
      return;
    }
    if (target.href !== new URL(form.action, location.href).href) history.replaceState(null, "", target); // a redirect: show its page
    document.querySelector("main").replaceWith(document.importNode(main, true));
    document.title = answer.title || document.title;
    buttons.forEach((b) => { b.disabled = false; });
    document.dispatchEvent(new CustomEvent("appliance:refreshed", { detail: ["main"] }));
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.busy || event.defaultPrevented) return;
    if ((form.method || "get").toLowerCase() !== "post") return;
    event.preventDefault();
    const buttons = [...form.querySelectorAll("button, input[type=submit]")];
    buttons.forEach((b) => { b.disabled = true; });
    form.setAttribute("aria-busy", "true");
    const el = status(form);
    const hasFile = [...form.querySelectorAll("input[type=file]")].some((i) => i.files && i.files.length > 0);
    show(el, form.dataset.busy);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "text/html");
    if (hasFile) {
      xhr.upload.addEventListener("progress", (e) => {
        if (!e.lengthComputable) return;
        const fraction = e.loaded / (e.total || 1);
        show(el, fraction < 1 ? `Uploading ${Math.floor(100 * fraction)} %` : form.dataset.busy, fraction);
      });
    }
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 500 && xhr.responseText) { done(form, xhr, buttons); return; }
      buttons.forEach((b) => { b.disabled = false; });
      form.removeAttribute("aria-busy");
      show(el, `Failed (HTTP ${xhr.status}); try again.`);
    });
    xhr.addEventListener("error", () => {
      buttons.forEach((b) => { b.disabled = false; });
      form.removeAttribute("aria-busy");
      show(el, "The appliance did not answer; try again.");
    });
    xhr.send(new FormData(form, event.submitter));
  });
})();
