// Progressive enhancement for the console: every form works without this file.
// It adds the live order preview, the comment-line counter, and auto-submitting pickers.

const DEBOUNCE_MS = 350;

function linePickers() {
  const pickers = document.getElementById("pickers");
  if (!pickers) return;
  for (const select of pickers.querySelectorAll("select")) {
    select.addEventListener("change", () => {
      if (select.name === "network") {
        const service = pickers.querySelector('select[name="service"]');
        if (service) service.value = "";
      }
      pickers.submit();
    });
  }
}

function lineCounter() {
  for (const hint of document.querySelectorAll("[data-line-counter]")) {
    const box = document.getElementById(hint.dataset.lineCounter);
    const quantity = document.querySelector('input[name="quantity"]');
    const update = () => {
      const lines = box.value.split("\n").filter((l) => l.trim() !== "").length;
      const wanted = Number(quantity && quantity.value) || 0;
      hint.textContent = `${lines} comment lines; the quantity is ${wanted}.`;
      hint.classList.toggle("mismatch", lines !== wanted);
    };
    box.addEventListener("input", update);
    if (quantity) quantity.addEventListener("input", update);
    update();
  }
}

function livePreview() {
  const form = document.getElementById("order-form");
  if (!form) return;
  const status = form.querySelector("[data-preview-status]");
  let timer = null;
  let latest = 0;
  const refresh = async () => {
    const body = new URLSearchParams(new FormData(form));
    const ticket = ++latest;
    try {
      const answer = await fetch(form.dataset.preview, {
        method: "POST", body, credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      if (ticket !== latest) return;
      if (!answer.ok) { status.textContent = "The preview is not available right now."; return; }
      const data = await answer.json();
      if (data.ok) {
        for (const [key, value] of Object.entries(data.figures)) {
          const cell = form.querySelector(`[data-preview-figure="${key}"]`);
          if (cell) cell.textContent = value;
        }
        status.textContent = "Computed by the server; nothing is sent to the panel until you place the order.";
      } else {
        const first = Object.entries(data.errors)[0];
        status.textContent = first ? `To preview: ${first[0]} ${first[1]}.` : "Fill in the order to preview it.";
      }
    } catch (error) {
      status.textContent = "The preview is not available right now.";
    }
  };
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, DEBOUNCE_MS); });
  form.addEventListener("submit", (event) => {
    const place = form.querySelector("#place");
    if (event.submitter === place) {
      // A second click while the first is on its way would be answered with the same order
      // (the form key makes the submit idempotent); this only spares the operator the wait.
      setTimeout(() => { place.disabled = true; }, 0);
    }
  });
  refresh();
}

function confirmations() {
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
}

confirmations();
linePickers();
lineCounter();
livePreview();
