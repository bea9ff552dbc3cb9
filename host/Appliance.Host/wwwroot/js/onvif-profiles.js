// Cameras page, Add and Edit forms: "Find profiles" asks POST /api/v1/cameras/onvif-profiles for the media profiles
// of the ONVIF address typed in the form (with the form's user and password; on Edit a blank password uses the
// stored one) and fills the profile list; the chosen token is saved as the camera's overrides.profile. The button
// shows only while an ONVIF address is given. Cookie-authenticated API writes carry the antiforgery token in
// X-CSRF-TOKEN. Text only (textContent), never HTML from the API.
(() => {
  "use strict";
  if (!window.fetch) return;

  const field = (form, suffix) => form.querySelector(`[name$=".${suffix}"]`);

  function describe(p) {
    const size = p.width && p.height ? ` ${p.width}x${p.height}` : "";
    const rate = p.fps ? `, ${p.fps} fps` : "";
    return `${p.name} (${p.token}): ${p.codec || "unknown codec"}${size}${rate}`;
  }

  async function detail(response) {
    try {
      const body = await response.json();
      return body.detail || body.title || `HTTP ${response.status}`;
    } catch {
      return `HTTP ${response.status}`;
    }
  }

  document.querySelectorAll("[data-onvif-profiles]").forEach((box) => {
    const form = box.closest("form");
    const address = field(form, "OnvifUri");
    const select = box.querySelector("[data-profile-select]");
    const button = box.querySelector("[data-find-profiles]");
    const result = box.querySelector("[data-profiles-result]");
    if (!address || !select || !button || !result) return;

    const toggle = () => { button.hidden = address.value.trim() === ""; };
    address.addEventListener("input", toggle);
    toggle();

    button.addEventListener("click", async () => {
      const token = form.querySelector("input[name=__RequestVerificationToken]")?.value || "";
      const body = {
        address: address.value.trim(),
        username: field(form, "Username")?.value || null,
        password: field(form, "Password")?.value || null,
        cameraId: box.dataset.cameraId || null,
      };
      button.disabled = true;
      result.textContent = "Asking the device for its profiles...";
      try {
        const response = await fetch("/api/v1/cameras/onvif-profiles", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-TOKEN": token },
          body: JSON.stringify(body),
        });
        if (!response.ok) {
          result.textContent = `No profiles: ${await detail(response)}`;
          return;
        }
        const profiles = await response.json();
        const chosen = select.value;
        select.replaceChildren(new Option("the device's first profile", ""));
        for (const p of profiles) select.add(new Option(describe(p), p.token, false, p.token === chosen));
        result.textContent = profiles.length === 0 ? "The device reports no media profile." : `${profiles.length} profile(s) found: choose one.`;
      } catch {
        result.textContent = "No profiles: the appliance did not answer.";
      } finally {
        button.disabled = false;
      }
    });
  });
})();
