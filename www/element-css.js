// Styles of the <supernode-sim> element, inside its shadow root: nothing leaks in or out.
/** The dark theme's colours: always with `theme="dark"`; with `theme="auto"` (or none), when the
 * host page says it is dark (`data-host-theme`, set by the element from the page's root), else
 * when the reader's system asks for dark. The supernode states' and the attempts' colours, in both themes,
 * stay apart under simulated deuteranopia, protanopia and tritanopia (tests/e2e/colours.test.mjs). */
const DARK = `
    --bg: #0f1115; --panel: #161a20; --fg: #e6e8eb; --fg-muted: #9aa4b1; --border: #2a313b; --grid: #222831;
    --accent: #60a5fa; --accent-fg: #0b1220; --danger: #f87171; --ok: #4ade80;
    --sn-up: #5cf6ec; --sn-overloaded: #f0bd2b; --sn-shut-down: #9c9ccf; --sn-crashed: #ff7e87; --sn-mega: #5682ef;
    --sn-halo: #5cf6ec; --sn-link: #94a3b8; --attempt-ok: #57f789; --attempt-failed: #d4525e;
    --c-clients: #2dd4bf; --c-supernodes: #a78bfa; --c-attempts: #fb923c; --c-load: #fb7185; --c-cursor: #60a5fa;
    --c-login: #60a5fa; --c-messaging: #2dd4bf; --c-presence: #a3e635; --c-contacts: #fbbf24; --c-web: #c4b5fd;
    --c-offline: #f472b6; --c-video: #94a3b8;`;

export const CSS = `
:host {
  --bg: #fbfbf8; --panel: #ffffff; --fg: #1f2328; --fg-muted: #5b6470; --border: #d8dbe0; --grid: #eceef1;
  --accent: #1d4ed8; --accent-fg: #ffffff; --danger: #b42336; --ok: #15803d;
  --sn-up: #2ea599; --sn-overloaded: #f09842; --sn-shut-down: #846baf; --sn-crashed: #d83e4a; --sn-mega: #0d45ce;
  --sn-halo: #2ea599; --sn-link: #6b7280; --attempt-ok: #00b05f; --attempt-failed: #d80b14;
  --c-clients: #0f766e; --c-supernodes: #7c3aed; --c-attempts: #c2410c; --c-load: #be123c; --c-cursor: #1d4ed8;
  --c-login: #1d4ed8; --c-messaging: #0f766e; --c-presence: #65a30d; --c-contacts: #a16207; --c-web: #7c3aed;
  --c-offline: #be185d; --c-video: #64748b;
  display: block; position: relative; box-sizing: border-box; color: var(--fg); background: var(--bg);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; border: 1px solid var(--border);
  border-radius: 10px; overflow: hidden; contain: content;
  /* The layout follows the element's own width, not the window's: a narrow blog column on a wide
     screen gets the one-column layout. */
  container: sim / inline-size;
}
@media (prefers-color-scheme: dark) {
  :host(:not([theme=light]):not([data-host-theme=light])) {${DARK}
  }
}
:host([theme=dark]), :host(:not([theme=light]):not([theme=dark])[data-host-theme=dark]) {${DARK}
}
:host([theme=dark]) { color-scheme: dark; }
:host([theme=light]) { color-scheme: light; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
button, select, input { font: inherit; color: inherit; }
button {
  background: var(--panel); border: 1px solid var(--border); border-radius: 6px; padding: 4px 10px; cursor: pointer;
  min-height: 32px;
}
button:hover { border-color: var(--accent); }
button:focus-visible, select:focus-visible, input:focus-visible, canvas:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
button.primary { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); min-width: 76px; }
select, input[type=number] { background: var(--panel); border: 1px solid var(--border); border-radius: 6px; padding: 4px 6px; min-height: 32px; }
input[type=number] { width: 7.5em; }
label { color: var(--fg-muted); font-size: 12px; }
.toolbar { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: end; padding: 10px 12px; border-bottom: 1px solid var(--border); background: var(--panel); }
.toolbar .field { display: flex; flex-direction: column; gap: 2px; }
.toolbar .buttons { display: flex; gap: 6px; align-items: end; }
.toolbar .slowmo { display: flex; align-items: center; gap: 4px; min-height: 32px; cursor: pointer; }
:host([controls="minimal"]) .toolbar .slowmo { display: none; }
.clock { margin-left: auto; text-align: right; font-variant-numeric: tabular-nums; }
.clock .big { font-size: 18px; font-weight: 600; }
.clock .small { color: var(--fg-muted); font-size: 12px; }
.body { display: grid; grid-template-columns: minmax(0, 1.35fr) minmax(0, 1fr); gap: 0; }
.stage {
  position: relative; --pic: var(--stage-height, 520px); min-height: max(var(--pic), var(--side-fit, 0px)); border-right: 1px solid var(--border);
  container-type: inline-size;
}
.stage canvas { position: absolute; inset: 0; width: 100%; height: 100%; display: block; cursor: crosshair; touch-action: manipulation; }
.stage.ab canvas.overlay { right: 50%; width: 50%; }
.stage.ab canvas.overlay-b { left: 50%; width: 50%; border-left: 1px solid var(--border); }
.ab-tag { position: absolute; bottom: 8px; padding: 2px 8px; border-radius: 6px; font-size: 12px; font-weight: 600;
  background: var(--panel); border: 1px solid var(--border); pointer-events: none; max-width: 45%; }
.ab-tag.a { left: 8px; } .ab-tag.b { left: calc(50% + 8px); }
.ab-panel { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: end; padding: 8px 0 0; border-top: 1px dashed var(--border); }
.ab-panel h4 { margin: 0; width: 100%; font-size: 13px; }
.ab-panel .field { display: flex; flex-direction: column; gap: 2px; }
.ab-words { width: 100%; margin: 0; font-size: 13px; font-weight: 600; min-height: 1.2em; }
.caption {
  position: absolute; left: 12px; right: 12px; bottom: 12px; padding: 8px 12px; border-radius: 8px;
  background: color-mix(in srgb, var(--panel) 88%, transparent); border: 1px solid var(--border);
  box-shadow: 0 2px 10px rgb(0 0 0 / 0.12); font-size: 14px; transition: opacity 0.6s; pointer-events: none;
}
.stage-clock { display: none; position: absolute; top: 8px; right: 8px; padding: 2px 8px; border-radius: 6px; font: 600 12px system-ui, sans-serif;
  font-variant-numeric: tabular-nums; background: color-mix(in srgb, var(--panel) 85%, transparent); border: 1px solid var(--border); pointer-events: none; }
:host([controls="none"]) .stage-clock { display: block; }
.stage.ab .stage-clock { top: 36px; }
:host([controls="none"]) .legend ul { font-size: 11px; gap: 0 8px; }
.caption time { font-weight: 600; margin-right: 6px; font-variant-numeric: tabular-nums; }
.caption.faded { opacity: 0; }
/* The legend: in the picture's corner (outside the disc), collapsible; under the picture when
   the picture is narrow, where a corner would cover the disc. */
.legend {
  position: absolute; top: 8px; left: 8px; z-index: 1; margin: 0; padding: 3px 8px; font-size: 12px;
  background: color-mix(in srgb, var(--panel) 85%, transparent); border: 1px solid var(--border); border-radius: 8px;
}
.legend summary { cursor: pointer; font-size: 11px; color: var(--fg-muted); user-select: none; }
.legend ul { margin: 4px 0 3px; padding: 0; list-style: none; display: grid; grid-template-columns: auto auto; gap: 2px 12px; }
.legend li { display: flex; align-items: center; gap: 6px; white-space: nowrap; }
.sw { width: 10px; height: 10px; border-radius: 50%; display: inline-block; flex: none; }
.sw.halo { border-radius: 2px; opacity: 0.5; }
.sw.dot { width: 6px; height: 6px; }
.sw.ring { background: none; border: 2px solid; width: 6px; height: 6px; }
.sw.bar { border-radius: 1px; height: 3px; }
/* Rings and bars are drawn only close in, where each client is. */
.legend .close-only { display: none; }
.stage.close .legend .close-only { display: flex; }
/* The picture's own tools: zoom, the by-state view, follow. Top right, outside the disc. */
.view-tools { position: absolute; top: 8px; right: 8px; z-index: 2; display: flex; flex-direction: column; align-items: flex-end; gap: 4px; }
.view-tools button { min-width: 30px; padding: 3px 8px; font-size: 13px; background: color-mix(in srgb, var(--panel) 90%, transparent); }
.view-tools button[aria-pressed="true"] { background: var(--accent); color: var(--accent-fg); border-color: transparent; }
.view-tools .zoom-level { font-size: 11px; color: var(--fg-muted); font-variant-numeric: tabular-nums; }
.view-tools .zoom-hint { position: absolute; right: 0; top: 100%; margin-top: 6px; white-space: nowrap; padding: 4px 8px;
  border-radius: 6px; background: var(--panel); border: 1px solid var(--border); font-size: 12px; pointer-events: none; }
:host([controls="none"]) .view-tools { top: 36px; }
.stage.ab .view-tools { display: none; }
.groups { position: absolute; inset: 0; pointer-events: none; z-index: 1; }
.group { position: absolute; transform: translate(-50%, -100%); text-align: center; font-size: 11px; line-height: 1.2; max-width: 18%; }
.group b { display: block; font-size: 15px; font-variant-numeric: tabular-nums; }
.group[data-state="up"] b { color: var(--sn-up); } .group[data-state="overloaded"] b { color: var(--sn-overloaded); }
.group[data-state="shutdown"] b { color: var(--sn-shut-down); } .group[data-state="crashed"] b { color: var(--sn-crashed); }
.group[data-state="mega"] b { color: var(--sn-mega); }
/* Grouped by state, the columns stand at the picture's foot: the legend and the caption give way
   (the counts label the columns; the narration stays in the log). */
.stage.grouped .legend, .stage.grouped .caption { display: none; }
.story {
  position: absolute; left: 12px; right: 12px; bottom: 12px; z-index: 2; padding: 6px 10px; border-radius: 8px; max-height: 45%; overflow: auto;
  background: color-mix(in srgb, var(--panel) 92%, transparent); border: 1px solid var(--border); box-shadow: 0 2px 10px rgb(0 0 0 / 0.12); font-size: 13px;
}
.story ol { margin: 0; padding: 0; list-style: none; }
.story li { margin: 2px 0; }
.story time { font-weight: 600; font-variant-numeric: tabular-nums; margin-right: 4px; }
.story-head { float: right; display: flex; gap: 6px; margin-left: 8px; }
.story-head button { font-size: 12px; padding: 2px 8px; }
.stage.following .caption { display: none; }
.tip {
  position: absolute; z-index: 3; pointer-events: none; padding: 6px 8px; border-radius: 6px; font-size: 12px;
  background: var(--panel); border: 1px solid var(--border); box-shadow: 0 2px 8px rgb(0 0 0 / 0.15); max-width: 240px;
}
.side { display: flex; flex-direction: column; min-width: 0; }
.readouts { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 1px; background: var(--border); border-bottom: 1px solid var(--border); }
.readouts div { background: var(--panel); padding: 6px 10px; }
/* The last read-out fills its row, so no empty cell shows the grid's lines. */
.readouts > div:last-child:nth-child(3n+1) { grid-column: 1 / -1; }
.readouts > div:last-child:nth-child(3n+2) { grid-column: span 2; }
.readouts .v { font-size: 16px; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
.readouts .k { font-size: 11px; color: var(--fg-muted); }
.chart-legend { display: flex; flex-wrap: wrap; gap: 4px 12px; padding: 6px 10px 0; font-size: 12px; margin: 0; list-style: none; }
.chart-legend li { display: flex; align-items: center; gap: 5px; }
/* Under the timeline, across both columns: were it in the side column, its lines would make the
   row taller when a branch starts, and the picture, centred in the row, would move under the
   pointer (a second click on a supernode would miss it). */
.branch-words { grid-column: 1 / -1; margin: 0; padding: 0 12px 8px; font-size: 13px; font-weight: 600; background: var(--panel); }
:host([controls="minimal"]) .branch-words, :host([controls="none"]) .branch-words { display: none; }
.chart-legend .ln { width: 14px; height: 3px; border-radius: 2px; display: inline-block; }
.chart { width: 100%; height: 340px; display: block; touch-action: pan-y; cursor: pointer; }
.readout { font-size: 12px; color: var(--fg-muted); padding: 0 10px 6px; min-height: 2.6em; font-variant-numeric: tabular-nums; }
.log-wrap { border-top: 1px solid var(--border); flex: 1; min-height: 120px; display: flex; flex-direction: column; }
.log-wrap h3 { margin: 0; padding: 6px 10px; font-size: 12px; color: var(--fg-muted); font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; }
.log { list-style: none; margin: 0; padding: 0 10px 8px; overflow-y: auto; max-height: 190px; font-size: 13px; flex: 1; }
.log li { padding: 3px 0; border-bottom: 1px dashed var(--grid); }
.log time { font-weight: 600; font-variant-numeric: tabular-nums; margin-right: 4px; }
.log li.trigger time, .log li.bad time { color: var(--danger); }
.log li.good time { color: var(--ok); }
.controls { border-top: 1px solid var(--border); background: var(--panel); }
.controls > summary { padding: 8px 12px; cursor: pointer; font-weight: 600; }
.params { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 10px 16px; padding: 4px 12px 10px; }
.param { display: flex; flex-direction: column; gap: 2px; }
.param .top { display: flex; justify-content: space-between; gap: 8px; }
.param output { font-variant-numeric: tabular-nums; font-size: 12px; }
.param input[type=range] { width: 100%; }
.param .msg, .notice { color: var(--danger); font-size: 12px; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; padding: 0 12px 12px; align-items: center; }
.actions .hint { color: var(--fg-muted); font-size: 12px; }
.actions.share { border-top: 1px dashed var(--border); padding-top: 10px; }
.copy-box { width: 100%; font: 12px ui-monospace, monospace; background: var(--bg); color: var(--fg); border: 1px solid var(--border); border-radius: 6px; }
.errors { margin: 0; padding: 8px 12px; background: color-mix(in srgb, var(--danger) 12%, var(--panel)); border-bottom: 1px solid var(--danger); font-size: 13px; }
.errors li { margin-left: 16px; }
.runs-note { margin: 0; padding: 4px 12px; font-size: 12px; color: var(--fg-muted); border-bottom: 1px solid var(--border); }
.fatal {
  position: absolute; inset: 0; z-index: 5; display: flex; align-items: center; justify-content: center; padding: 24px;
  background: color-mix(in srgb, var(--bg) 92%, transparent);
}
.fatal div { max-width: 520px; background: var(--panel); border: 1px solid var(--danger); border-radius: 10px; padding: 16px 18px; }
.fatal h2 { margin: 0 0 6px; font-size: 16px; color: var(--danger); }
.fatal pre { white-space: pre-wrap; font-size: 12px; color: var(--fg-muted); max-height: 160px; overflow: auto; }
.help {
  position: absolute; inset: 0; z-index: 4; display: flex; align-items: flex-start; justify-content: center; padding: 24px;
  background: color-mix(in srgb, var(--bg) 80%, transparent); overflow: auto;
}
.help > div { max-width: 640px; background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 14px 18px; box-shadow: 0 8px 30px rgb(0 0 0 / 0.2); }
.help h2 { margin: 0 0 8px; font-size: 17px; }
/* The title takes focus when the panel opens (so that it opens at its top); no ring on it. */
.help h2:focus { outline: none; }
.help h3 { margin: 12px 0 4px; font-size: 14px; }
.help table { border-collapse: collapse; font-size: 13px; }
.help td { padding: 2px 10px 2px 0; vertical-align: top; }
.help kbd { border: 1px solid var(--border); border-bottom-width: 2px; border-radius: 4px; padding: 0 5px; font: 12px ui-monospace, monospace; background: var(--bg); }
.help p, .help li { font-size: 13px; }
.timeline { display: flex; align-items: center; gap: 8px; padding: 6px 12px 10px; border-top: 1px solid var(--border); background: var(--panel); grid-column: 1 / -1; }
.timeline > button { min-height: 28px; padding: 2px 8px; font-size: 12px; }
.timeline .track { position: relative; flex: 1; height: 30px; }
.timeline .computed { position: absolute; left: 0; top: 9px; height: 6px; width: 0; border-radius: 3px; background: color-mix(in srgb, var(--accent) 45%, transparent); pointer-events: none; }
.timeline .scrub { position: absolute; inset: 0 0 auto 0; width: 100%; height: 24px; margin: 0; background: transparent; cursor: pointer; touch-action: none; -webkit-appearance: none; appearance: none; }
.timeline .scrub::-webkit-slider-runnable-track { height: 6px; border-radius: 3px; background: color-mix(in srgb, var(--fg-muted) 22%, transparent); }
.timeline .scrub::-moz-range-track { height: 6px; border-radius: 3px; background: color-mix(in srgb, var(--fg-muted) 22%, transparent); }
.timeline .scrub::-webkit-slider-thumb { -webkit-appearance: none; width: 16px; height: 16px; margin-top: -5px; border-radius: 50%; background: var(--accent); border: 2px solid var(--panel); }
.timeline .scrub::-moz-range-thumb { width: 12px; height: 12px; border-radius: 50%; background: var(--accent); border: 2px solid var(--panel); }
.timeline .chapters { position: absolute; left: 0; right: 0; bottom: 0; height: 8px; }
.timeline .chap { position: absolute; bottom: 0; width: 8px; height: 8px; min-height: 0; padding: 0; margin-left: -4px; border-radius: 50%; border: 1px solid var(--panel); background: var(--fg-muted); }
.timeline .chap.record { background: var(--danger); border-radius: 1px; transform: rotate(45deg); }
.timeline .chap:hover { transform: scale(1.5); }
.timeline .chap.record:hover { transform: rotate(45deg) scale(1.5); }
:host([controls="none"]) .timeline { display: none; }
.progress { position: absolute; top: 50%; left: 50%; transform: translate(-50%, -50%); padding: 10px 14px; border-radius: 8px; background: var(--panel); border: 1px solid var(--border); z-index: 3; font-variant-numeric: tabular-nums; }
:host([controls="minimal"]) .toolbar .field.scenario, :host([controls="minimal"]) .toolbar .field.seed,
:host([controls="minimal"]) .toolbar .reset, :host([controls="minimal"]) .controls, :host([controls="minimal"]) .log-wrap { display: none; }
:host([controls="minimal"]) .body, :host([controls="none"]) .body { grid-template-columns: minmax(0, 1fr); }
:host([controls="minimal"]) .side { display: none; }
:host([controls="none"]) .toolbar, :host([controls="none"]) .side, :host([controls="none"]) .controls { display: none; }
:host([controls="none"]) .stage, :host([controls="minimal"]) .stage { border-right: 0; }
/* Where in its corner the legend would cover the disc (a picture wider than tall), the element
   puts it under the picture (element-legend.js), as a narrow picture has it. */
.stage.legend-below canvas { bottom: auto; height: var(--pic); }
.stage.legend-below .legend {
  position: static; margin-top: var(--pic); padding: 4px 10px 6px; border: 0; border-top: 1px solid var(--border);
  border-radius: 0; background: var(--panel);
}
.stage.legend-below .legend ul { grid-template-columns: repeat(4, minmax(0, max-content)); font-size: 11px; }
.stage.legend-below .caption, .stage.legend-below .ab-tag, .stage.legend-below .story { bottom: auto; top: var(--pic); transform: translateY(calc(-100% - 10px)); }
.stage.legend-below .story { max-height: calc(var(--pic) * 0.45); }
/* The caption over the picture's foot keeps to two lines (the whole sentence is in the log). */
.stage.legend-below .caption > span { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; line-clamp: 2; overflow: hidden; }
.stage.legend-below .progress { top: calc(var(--pic) / 2); }
@container sim (max-width: 760px) {
  .body { grid-template-columns: minmax(0, 1fr); }
  /* One column: the timeline right under the picture, the chart and the log after it. */
  .stage { order: 0; } .body > .timeline, .body > .branch-words { order: 1; } .side { order: 2; }
  .stage { border-right: 0; --pic: var(--stage-height-narrow, 360px); min-height: var(--pic); }
  .clock { margin-left: 0; text-align: left; width: 100%; }
  .readouts { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .readouts > div:last-child:nth-child(3n+1), .readouts > div:last-child:nth-child(3n+2) { grid-column: auto; }
  .readouts > div:last-child:nth-child(2n+1) { grid-column: 1 / -1; }
  .legend ul { grid-template-columns: auto; font-size: 11px; }
}
@container (max-width: 500px) {
  .stage canvas { bottom: auto; height: var(--pic); }
  .legend {
    position: static; margin-top: var(--pic); padding: 4px 10px 6px; border: 0; border-top: 1px solid var(--border);
    border-radius: 0; background: var(--panel);
  }
  .legend ul { grid-template-columns: repeat(2, minmax(0, max-content)); font-size: 11px; }
  .legend li { white-space: normal; }
  .caption, .ab-tag, .story { bottom: auto; top: var(--pic); transform: translateY(calc(-100% - 10px)); }
  /* A square picture has no room beside the disc: the caption keeps to two short lines over its
     rim (the whole sentence is in the log, under the chart). */
  .caption { font-size: 12px; padding: 4px 9px; }
  .caption > span { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; line-clamp: 2; overflow: hidden; }
  .story { max-height: calc(var(--pic) * 0.45); }
  /* Narrow: the picture's tools in a row under it, with the legend, so neither covers the disc. */
  .view-tools { position: static; flex-direction: row; flex-wrap: wrap; align-items: center; justify-content: flex-start;
    padding: 4px 10px; background: var(--panel); border-top: 1px solid var(--border); }
  .view-tools .zoom-hint { position: static; transform: none; }
  .progress { top: calc(var(--pic) / 2); }
}
/* Printed: the picture at its moment, its clock and legend, and the chart; no controls. */
@media print {
  :host { break-inside: avoid; border-color: #888; }
  .toolbar, .timeline, .controls, .log-wrap, .readout, .caption, .tip, .progress, .runs-note, .errors, .view-tools, .story-head,
  .legend summary, .help, .share, .ab-panel { display: none !important; }
  .legend[open] ul, .legend ul { display: grid !important; }
  .stage-clock { display: block; }
}
`;
