// Tables read as cards on a phone: each body cell is labelled with its column's header (data-label), and
// layout.css shows the label above the value when the window is narrow. Rows added later (live updates) are
// labelled too. Text only: labels come from the headers' textContent.
(() => {
  "use strict";
  const headers = (table) => {
    const row = table.tHead?.rows[table.tHead.rows.length - 1];
    if (!row) return null;
    const names = [];
    for (const cell of row.cells) for (let i = 0; i < (cell.colSpan || 1); i++) names.push(cell.textContent.trim());
    return names;
  };
  const labelRow = (names, row) => {
    let column = 0;
    for (const cell of row.cells) {
      const name = names[column];
      if (name && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", name);
      column += cell.colSpan || 1;
    }
  };
  for (const table of document.querySelectorAll("main table:not(.no-cards)")) {
    const names = headers(table);
    if (!names) continue;
    table.classList.add("cards");
    for (const body of table.tBodies) {
      for (const row of body.rows) labelRow(names, row);
      new MutationObserver(() => { for (const row of body.rows) labelRow(names, row); }).observe(body, { childList: true });
    }
  }
})();
