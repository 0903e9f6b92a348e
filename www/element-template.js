// The <supernode-sim> element's markup: a static template (no attribute or URL text ever goes
// through it; the element fills text in with textContent). Its styles are in element-css.js; the
// help panel's list of shortcuts comes from element-keys.js, the table the key handler reads.

import { SHORTCUTS_HTML } from './element-keys.js';

export const TEMPLATE = `
<ul class="errors" role="alert" hidden></ul>
<p class="runs-note" role="status" hidden></p>
<div class="toolbar" part="toolbar">
  <div class="field scenario"><label for="scenario">Scenario</label><select id="scenario"></select></div>
  <div class="buttons">
    <button class="primary play" type="button" aria-pressed="false" title="Play or pause the simulation (Space)">Play</button>
    <button class="step" type="button" title="Advance one simulated minute (→)">Step</button>
    <button class="reset" type="button" title="Start the scenario again from the beginning with this seed (R)">Reset</button>
  </div>
  <div class="field speed"><label for="speed">Speed</label><select id="speed" title="How fast simulated time runs: from real time up to a simulated day per real minute (+ / −)"></select></div>
  <label class="slowmo" title="Ease to a simulated minute per second around the cascade's bursts (first failsafes, the collapse), then resume (S)"><input type="checkbox" class="slowmo-box" checked> Slow motion</label>
  <div class="field seed"><label for="seed">Seed</label><input id="seed" type="number" min="0" step="1" inputmode="numeric" title="The random seed: the same scenario, parameters and seed give the same run, bit for bit"></div>
  <button class="help-btn" type="button" title="Keyboard shortcuts and what the picture shows (?)" aria-haspopup="dialog">?</button>
  <div class="clock" aria-live="off"><div class="big">T−1:00</div><div class="small">simulated 0:00 · paused</div></div>
</div>
<div class="body">
  <div class="stage">
    <canvas class="overlay" tabindex="0" role="img" aria-label="The supernode overlay"></canvas>
    <canvas class="overlay-b" role="img" aria-label="The supernode overlay, run B" hidden></canvas>
    <div class="ab-tag a" hidden></div><div class="ab-tag b" hidden></div>
    <details class="legend" open>
      <summary>Legend</summary>
      <ul aria-label="Legend">
        <li><span class="sw" style="background:var(--sn-up)"></span>supernode up</li>
        <li><span class="sw" style="background:var(--sn-overloaded)"></span>overloaded</li>
        <li><span class="sw" style="background:var(--sn-shut-down)"></span>shut down (failsafe)</li>
        <li><span class="sw" style="background:var(--sn-crashed)"></span>crashed</li>
        <li><span class="sw" style="background:var(--sn-mega)"></span>mega-supernode</li>
        <li><span class="sw halo" style="background:var(--sn-halo)"></span>clients (shade; dots close in)</li>
        <li><span class="sw dot" style="background:var(--attempt-ok)"></span>connection attempt ok</li>
        <li><span class="sw dot" style="background:var(--attempt-failed)"></span>attempt refused</li>
        <li class="close-only"><span class="sw ring" style="border-color:var(--sn-shut-down)"></span>failsafe window filling</li>
        <li class="close-only"><span class="sw bar" style="background:var(--sn-up)"></span>load (full = capacity)</li>
      </ul>
    </details>
    <div class="view-tools" part="view-tools" role="toolbar" aria-label="Picture">
      <button type="button" class="zoom-in" title="Zoom in (+ on the picture, Ctrl+wheel, double-click, pinch)" aria-label="Zoom in">+</button>
      <button type="button" class="zoom-out" title="Zoom out (− on the picture, Shift+double-click)" aria-label="Zoom out">−</button>
      <button type="button" class="zoom-whole" title="The whole overlay (0 on the picture)" aria-label="Whole overlay">⤢</button>
      <span class="zoom-level" aria-live="polite">1.0×</span>
      <button type="button" class="by-state" aria-pressed="false" title="Group the supernodes by state, or put them back on the map (G)">By state</button>
      <button type="button" class="follow-btn" aria-pressed="false" title="Then click a supernode to follow it and read its story (or Shift+click one)">Follow</button>
      <span class="zoom-hint" hidden>Ctrl + scroll to zoom (or click the picture first)</span>
    </div>
    <div class="groups" aria-hidden="true" hidden></div>
    <div class="caption faded" aria-hidden="true"></div>
    <section class="story" aria-label="The followed supernode's story" hidden>
      <div class="story-head"><button type="button" class="story-zoom" title="Zoom in to it and its clients">Zoom in on it</button><button type="button" class="story-stop" title="Stop following (F)">Unfollow</button></div>
      <ol aria-live="polite"></ol>
    </section>
    <div class="stage-clock" aria-hidden="true"></div>
    <div class="tip" hidden></div>
    <div class="progress" hidden role="status"></div>
  </div>
  <div class="side">
    <div class="readouts">
      <div title="Clients connected to a supernode, and their share of the clients that want to be online"><div class="v" data-r="online">–</div><div class="k">clients online</div></div>
      <div title="Supernodes serving: peers, clients promoted into the places of lost ones, and mega-supernodes"><div class="v" data-r="up">–</div><div class="k">supernodes up</div></div>
      <div title="Connection attempts per second: one per walk through a client's host cache"><div class="v" data-r="attempts">–</div><div class="k">connection attempts</div></div>
      <div title="Mean load asked of a serving peer supernode (keep-alives plus every attempt at the cost of serving it), relative to the moment of the trigger (published 2010: about 100×)"><div class="v" data-r="load">–</div><div class="k">load per supernode</div></div>
      <div title="Clients whose users gave up and closed Skype for now; they come back later"><div class="v" data-r="away">–</div><div class="k">users gave up</div></div>
      <div title="Share of sampled lookups (a client searching for a user through the overlay) that succeed"><div class="v" data-r="lookup">–</div><div class="k">lookups succeed</div></div>
      <div title="Supernodes crashed / shut down by their failsafe"><div class="v" data-r="down">–</div><div class="k">crashed / failsafe</div></div>
      <div title="Share of connection attempts that got a client in over the last 5 minutes. It stays low while a crowd retries, even as clients come back (2015: &quot;We're a bit overloaded right now&quot;)"><div class="v" data-r="login">–</div><div class="k">attempts get in</div></div>
      <div title="Share of messages delivered: the messaging backend served and the recipient found through the overlay"><div class="v" data-r="messaging">–</div><div class="k">messaging</div></div>
      <div title="Share of Skype for Web and Business requests served (separate infrastructure unless the bulkhead lesson says otherwise)"><div class="v" data-r="web">–</div><div class="k">Skype for Web</div></div>
    </div>
    <ul class="chart-legend"></ul>
    <canvas class="chart" aria-label="Chart of clients online, supernodes up, connection attempts and supernode load over simulated time" role="img"></canvas>
    <div class="readout" aria-live="off">Point at the chart to read values; click or drag to go to a moment.</div>
    <div class="log-wrap">
      <h3 id="log-title">What happens</h3>
      <ol class="log" aria-live="polite" aria-relevant="additions" aria-labelledby="log-title"></ol>
    </div>
  </div>
  <div class="timeline" part="timeline">
    <button type="button" class="chap-prev" title="Previous chapter ([)" aria-label="Previous chapter">◀</button>
    <div class="track">
      <div class="computed" title="Computed so far: going back to any of it is quick"></div>
      <input type="range" class="scrub" min="0" max="172800" step="60" value="0" aria-label="Simulated time">
      <div class="chapters"></div>
    </div>
    <button type="button" class="chap-next" title="Next chapter (])" aria-label="Next chapter">▶</button>
  </div>
  <p class="branch-words" role="status" aria-live="polite" hidden></p>
</div>
<details class="controls" open>
  <summary>Parameters and interventions</summary>
  <div class="params"></div>
  <div class="params"><div class="ab-panel" role="group" aria-labelledby="ab-title">
    <h4 id="ab-title" title="Two runs from the same seed that differ in one parameter, advancing in lockstep">A/B comparison</h4>
    <div class="field"><label for="ab-key">Parameter</label><select id="ab-key" class="ab-key" title="The one parameter the two runs differ in"></select></div>
    <div class="field"><label for="ab-a">A</label><span class="ab-a-slot"></span></div>
    <div class="field"><label for="ab-b">B</label><span class="ab-b-slot"></span></div>
    <button type="button" class="ab-start" title="Start both runs from the beginning, side by side, B dashed on the chart">Compare A/B</button>
    <button type="button" class="ab-stop" hidden>Stop comparing</button>
    <p class="ab-words" role="status" aria-live="polite"></p>
  </div></div>
  <div class="actions">
    <button type="button" data-act="megas" title="Bring up mega-supernodes now (1,000 if none are set), as Skype did in December 2010">Deploy mega-supernodes now</button>
    <button type="button" data-act="fix" title="Push a fixed client version now: buggy clients update at the set rate (2010: users were asked to update to 5.0.0.156)">Push the fixed version now</button>
    <button type="button" data-act="rollback" title="End the trigger now: the offline-message servers recover (2010) or the configuration change is rolled back (2015)">Roll back the trigger</button>
    <button type="button" data-act="rebalance" title="Re-balance the traffic load: sign-in and backend capacity grow threefold over half an hour (2015: Microsoft's fix)">Re-balance / add capacity</button>
    <button type="button" data-act="admission" title="Admission control: let through at most half the sign-in capacity per second and turn the rest away cheaply at the edge">Admission control on</button>
    <button type="button" data-act="repurpose" title="Repurpose offline-IM and group-video servers as supernodes (2010): more supernode capacity, but those features go down">Repurpose servers as supernodes</button>
    <span class="hint">Click a supernode to crash it, or to restore it if it is down; Shift+click to follow it.</span>
    <span class="notice" role="status"></span>
  </div>
  <div class="actions share">
    <strong>Share and export</strong>
    <button type="button" data-share="link" title="Copy a link that reproduces this run at this moment: scenario, seed, parameters and what you did">Copy link</button>
    <button type="button" data-share="embed" title="Copy HTML to put this run in another page: an iframe and a &lt;supernode-sim&gt; element">Copy embed code</button>
    <button type="button" data-share="png" title="Download a picture of the network and the chart (PNG)">PNG</button>
    <button type="button" data-share="csv" title="Download the series sampled every simulated minute (CSV)">CSV</button>
    <button type="button" data-share="json" title="Download the run as the command-line tool prints it: parameters, series, events, summary, hash (JSON)">JSON</button>
    <button type="button" data-share="webm" title="Record five seconds of the animation as a video (WebM)">Record 5 s clip</button>
    <textarea class="copy-box" readonly rows="3" hidden aria-label="Text to copy"></textarea>
  </div>
</details>
<div class="help" role="dialog" aria-modal="true" aria-labelledby="help-title" hidden>
  <div>
    <h2 id="help-title" tabindex="-1">How to read and drive the simulation</h2>
    <p>Every dot is a <strong>supernode</strong>, an ordinary Skype client with a public address that also serves other clients. The shade around it shows its clients; moving dots are <strong>connection attempts</strong>, green when they succeed, red when refused.</p>
    <h3>Keyboard</h3>
    <table>
      ${SHORTCUTS_HTML}
    </table>
    <p>On the <strong>picture</strong> (click it first): <kbd>+</kbd> <kbd>−</kbd> zoom, <kbd>0</kbd> the whole overlay, arrows move it when zoomed in; also Ctrl+wheel, pinch, double-click (Shift+double-click zooms out) and dragging. Zoomed in far enough, every <strong>client</strong> is a dot around its supernode with its link; each supernode shows its load as a bar (full at its capacity, an orange tail beyond) and its failsafe's window as a purple ring that fills as its load average nears the threshold at which it drops the role. Reconnect attempts walk a client's host cache: a dead entry flashes red and times out, then the next is tried. <strong>Follow</strong> (or Shift+click) a supernode to read its story.</p>
    <p>On the <strong>timeline</strong> under the picture: drag to go to any moment, <kbd>←</kbd> <kbd>→</kbd> a minute, <kbd>Shift</kbd>+<kbd>←</kbd> <kbd>→</kbd> an hour, <kbd>Home</kbd> <kbd>End</kbd>. Dots are the run's moments, red diamonds the published figures. Clicking the chart goes there too. Going back to a computed moment starts from a saved mark; changing anything after going back starts a new branch.</p>
    <h3>Scenarios</h3>
    <ul class="help-scenarios"></ul>
    <h3>What to watch</h3>
    <p>When the trigger hits, supernodes crash (red). Their clients reconnect to the survivors, whose load grows (orange: asked more than their capacity) until their failsafe makes them drop the role (purple). Each one that drops hands its clients to the rest: a positive feedback loop. Once most clients are retrying, any supernode that comes back is swamped again — the failure outlives its trigger. Dedicated mega-supernodes (blue) have the capacity to take the storm. <strong>By state</strong> (<kbd>G</kbd>) stands the supernodes in one column per state, so the cascade shows as the orange column pouring into the purple one.</p>
    <p><button type="button" class="close-help">Close</button></p>
  </div>
</div>
<div class="fatal" role="alert" hidden><div><h2 class="fatal-title">The simulation stopped</h2><p class="fatal-msg"></p><pre class="fatal-detail"></pre><button type="button" class="reload">Reload the page</button></div></div>
`;
