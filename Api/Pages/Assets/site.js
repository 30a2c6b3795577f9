// The pages work without this script; it only adds conveniences where a browser runs it.
"use strict";
document.addEventListener("click", async (event) => {
  // <button data-copy="#id">: copies that element's text (a new API key, shown once).
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source || !navigator.clipboard) return;
  await navigator.clipboard.writeText(source.textContent.trim());
  button.textContent = button.dataset.copied || "Copied";
});
// <meta name="tollgate-refresh" content="5">: reload every few seconds (an order waiting for its payment),
// until the page stops asking for it.
const refresh = document.querySelector('meta[name="tollgate-refresh"]');
if (refresh) setTimeout(() => location.reload(), Math.max(2, Number(refresh.content) || 5) * 1000);
// <select data-submit-on-change>: the tenant switcher goes as soon as a tenant is picked (its button does without script).
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-submit-on-change]")) event.target.form.submit();
});
