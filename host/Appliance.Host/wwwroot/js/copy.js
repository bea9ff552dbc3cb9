// Buttons with data-copy put that text on the clipboard (camera RTSP URLs, the ONVIF address) and say so.
document.addEventListener("click", async (event) => {
  const button = event.target instanceof Element ? event.target.closest("button[data-copy]") : null;
  if (!button) return;
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(button.dataset.copy);
    button.textContent = "Copied";
  } catch {
    // No clipboard (permission refused): select the text next to the button so Ctrl+C copies it.
    const code = button.previousElementSibling;
    if (code) window.getSelection()?.selectAllChildren(code);
    button.textContent = "Select and copy";
  }
  setTimeout(() => { button.textContent = label; }, 2000);
});
