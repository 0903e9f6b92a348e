// Scrollytelling: when a paragraph comes into view, drive the embed it names with the
// element's API. Copy and adapt: data-target (the element's id), data-seek (simulated seconds),
// data-speed (simulated seconds per real second), data-compare ("key,a,b" for an A/B view).
const steps = document.querySelectorAll('.step');
const current = new Map();

function drive(step) {
  const el = document.getElementById(step.dataset.target);
  if (!el || current.get(el) === step) return;
  current.set(el, step);
  for (const s of steps) s.classList.toggle('active', s === step);
  const go = () => {
    if (step.dataset.compare) {
      const [key, a, b] = step.dataset.compare.split(',');
      if (!el.snapshot()?.compare) el.compare(key, a, b);
    }
    if (step.dataset.speed) el.setAttribute('speed', step.dataset.speed);
    if (step.dataset.seek) el.seek(Number(step.dataset.seek));
    el.play();
  };
  // The element may still be loading its WebAssembly module; if it cannot start, it says why.
  el.ready.then(go, () => {});
}

const io = new IntersectionObserver(
  (entries) => {
    for (const e of entries) if (e.isIntersecting) drive(e.target);
  },
  { rootMargin: '-35% 0px -45% 0px' },
);
steps.forEach((s) => io.observe(s));

// The jitter embed says in words what its A/B comparison shows.
const jitter = document.getElementById('ejitter');
const words = document.querySelector('.words');
let said = 0;
jitter?.addEventListener('tick', () => {
  if (performance.now() - said < 1000) return;
  said = performance.now();
  const c = jitter.snapshot()?.compare;
  if (c) words.textContent = `Left: exponential backoff. Right: full jitter. ${c.words}`;
});
