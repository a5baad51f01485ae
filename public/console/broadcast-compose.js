// The compose page's live audience size: asks the console how many the chosen audience reaches each time
// it changes. Without this script the "Xem trước" button says the same.
(() => {
  const form = document.getElementById('compose');
  const out = document.querySelector('[data-live-count]');
  if (!form || !out) return;
  let asked = 0;
  const update = async () => {
    const mine = ++asked;
    const params = new URLSearchParams();
    for (const name of ['role', 'lang', 'channel']) params.set(name, form.elements[name].value);
    for (const option of form.elements.areas.selectedOptions) params.append('areas', option.value);
    try {
      const res = await fetch(`/admin/broadcasts/audience-size?${params}`, { credentials: 'same-origin' });
      const body = await res.json();
      // An older answer arriving late does not overwrite a newer one.
      if (mine === asked && typeof body.text === 'string') out.textContent = body.text;
    } catch {
      // Offline for a moment: the preview button still counts.
    }
  };
  for (const name of ['areas', 'role', 'lang', 'channel']) form.elements[name].addEventListener('change', update);
  if (form.elements.areas.selectedOptions.length) void update();
})();
