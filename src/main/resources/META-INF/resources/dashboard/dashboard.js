// Tributary dashboard: draws the visuals of dashboard/definition.json (the file QuickSight's Terraform reads too) from
// /api/dashboard/*, the pipeline figures, and the hour states of the lake operations API (/api/hours), polling so the
// page updates without a reload. Plain browser JavaScript and Chart.js, no build step.
'use strict';

(() => {
  const KEY_STORE = 'tributary.apiKey';
  const FAST_MS = 5000;    // minute counts and pipeline figures
  const SLOW_MS = 15000;   // hourly rollups and hour states
  const BUSY_MS = 2000;    // hour states while a run of an hour is in flight, so a re-run is seen as it goes
  const FOLLOW_MS = 10 * 60 * 1000; // after an operation from this page, curated hours are followed until rolled up
  const HOURLY_MINUTES = 1440;
  const RATE_POINTS = 120;
  const PALETTE = ['#1f6feb', '#e16f24', '#1a7f37', '#8250df', '#cf222e', '#0a7e8c', '#bf8700', '#d63384', '#57606a', '#6e40c9'];

  const state = {
    definition: null,
    charts: {},            // visual id (and 'rate', 'lag') -> Chart
    rows: {},              // dataset id -> last reply
    rateHistory: [],       // [label, records/s]
    colours: new Map(),    // series name -> colour, stable while the page is open
    timers: [],
    hoursFollowUp: null,   // the quick refresh of hour states while one is busy
    hoursQueue: Promise.resolve(),
    followUntil: 0,
    firstChartMarked: false,
  };
  // what the browser tests read (and a handy console handle)
  window.tributaryDashboard = state;

  const $ = (sel) => document.querySelector(sel);
  const fmt = new Intl.NumberFormat('en');
  const fmt1 = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

  // ---------- API key and fetch ----------

  function apiKey() { return sessionStorage.getItem(KEY_STORE); }

  function askForKey(message) {
    stopPolling();
    const dialog = $('#key-dialog');
    const error = $('#key-error');
    error.hidden = !message;
    error.textContent = message || '';
    $('#key-input').value = '';
    if (!dialog.open) dialog.showModal();
    $('#key-input').focus();
  }

  class ApiError extends Error {
    constructor(status, message, reason) { super(message); this.status = status; this.reason = reason; }
  }

  async function api(path, options = {}) {
    const response = await fetch(path, {
      ...options,
      headers: { 'X-Api-Key': apiKey() || '', Accept: 'application/json', ...(options.headers || {}) },
      cache: 'no-store',
    });
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    if (response.status === 401) {
      sessionStorage.removeItem(KEY_STORE);
      askForKey('The key was refused (401): enter the value of tributary.ingest.api-key.');
      throw new ApiError(401, 'API key refused', 'unauthorised');
    }
    if (!response.ok) {
      const message = body && body.error ? body.error : `${path} answered HTTP ${response.status}`;
      throw new ApiError(response.status, message, body && body.reason ? body.reason : (body ? 'error' : 'no_json'));
    }
    return body;
  }

  // ---------- messages ----------

  function message(forId, kind, html) {
    document.querySelectorAll(`.message[data-for="${forId}"]`).forEach((el) => {
      if (!kind) { el.hidden = true; el.innerHTML = ''; return; }
      el.className = `message ${kind}`;
      el.innerHTML = html;
      el.hidden = false;
    });
  }

  const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

  function errorHtml(error) {
    if (error.reason === 'redshift_off') {
      return `${escapeHtml(error.message)}.`;
    }
    if (error.reason === 'redshift_unreachable') {
      return `${escapeHtml(error.message)}. The page retries every few seconds.`;
    }
    if (error instanceof TypeError) {
      return 'The application does not answer (is it running? <code>bin/dev</code> starts it). The page retries every few seconds.';
    }
    return `${escapeHtml(error.message)}. The page retries every few seconds.`;
  }

  function setStatus(text, isError) {
    const el = $('#status');
    el.textContent = text;
    el.classList.toggle('error', !!isError);
  }

  // ---------- chart helpers ----------

  function colour(name) {
    if (!state.colours.has(name)) state.colours.set(name, PALETTE[state.colours.size % PALETTE.length]);
    return state.colours.get(name);
  }

  function chart(id, type, options = {}) {
    if (state.charts[id]) return state.charts[id];
    const canvas = document.getElementById(`chart-${id}`);
    const horizontal = options.indexAxis === 'y';
    state.charts[id] = new Chart(canvas, {
      type,
      data: { labels: [], datasets: [] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'nearest', intersect: false },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        scales: type === 'doughnut' || type === 'pie' ? {} : {
          x: { stacked: !!options.stacked, ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: horizontal ? 6 : 12 }, beginAtZero: horizontal },
          y: { stacked: !!options.stacked, beginAtZero: !horizontal, ticks: { precision: 0 } },
        },
        ...options,
      },
    });
    return state.charts[id];
  }

  function show(id, labels, datasets) {
    const c = state.charts[id];
    c.data.labels = labels;
    c.data.datasets = datasets;
    c.update('none');
    const total = datasets.reduce((n, d) => n + d.data.reduce((m, v) => m + (typeof v === 'number' ? v : 0), 0), 0);
    c.canvas.dataset.total = String(total);
    c.canvas.dataset.points = String(datasets.reduce((n, d) => n + d.data.filter((v) => v !== null).length, 0));
    if (total > 0 && !state.firstChartMarked) {
      state.firstChartMarked = true;
      performance.mark('tributary:first-chart-with-data');
    }
  }

  /** Every minute (or hour) from the first to the last with data, so a quiet stretch shows as a gap, not as nothing. */
  function timeAxis(sorted, step) {
    if (sorted.length < 2 || (sorted[sorted.length - 1] - sorted[0]) / step > 2000) return sorted;
    const axis = [];
    for (let t = sorted[0]; t <= sorted[sorted.length - 1]; t += step) axis.push(t);
    return axis;
  }

  const minuteLabel = (iso) => iso.slice(11, 16);            // HH:mm (UTC)
  const hourLabel = (iso) => `${iso.slice(5, 10)} ${iso.slice(11, 13)}h`;

  /** Sums visual.y over rows grouped by x (and series/split): the aggregation QuickSight applies by default. */
  function group(dataset, visual, isTime) {
    const cols = dataset.columns.map((c) => c.name);
    const ix = cols.indexOf(visual.x);
    const iy = cols.indexOf(visual.y);
    const is = visual.series ? cols.indexOf(visual.series) : -1;
    const isplit = visual.split ? cols.indexOf(visual.split) : -1;
    const sums = new Map();     // seriesKey -> Map(x -> sum)
    const xs = new Set();
    for (const row of dataset.rows) {
      const x = isTime ? Date.parse(row[ix]) : row[ix];
      const series = is >= 0 ? String(row[is]) : visual.y;
      const split = isplit >= 0 ? row[isplit] : null;
      const key = JSON.stringify([series, split]);
      if (!sums.has(key)) sums.set(key, new Map());
      const m = sums.get(key);
      m.set(x, (m.get(x) || 0) + Number(row[iy] || 0));
      xs.add(x);
    }
    return { sums, xs };
  }

  // ---------- visuals from the definition ----------

  function renderVisual(visual) {
    const dataset = state.rows[visual.dataset];
    if (!dataset) return;
    const column = dataset.columns.find((c) => c.name === visual.x);
    const isTime = !!column && column.type === 'DATETIME';
    const { sums, xs } = group(dataset, visual, isTime);
    const keys = [...sums.keys()].sort();

    if (visual.kind === 'pie') {
      chart(visual.id, 'doughnut');
      const totals = [...(sums.values().next().value || new Map()).entries()].sort((a, b) => b[1] - a[1]);
      show(visual.id, totals.map(([x]) => x), [{
        label: visual.y, data: totals.map(([, v]) => v), backgroundColor: totals.map(([x]) => colour(`${visual.x}:${x}`)),
      }]);
      return;
    }
    if (!isTime) {
      // a category axis: the largest totals first, at most 12 bars, the rest as "other"
      const totals = new Map();
      for (const m of sums.values()) for (const [x, v] of m) totals.set(x, (totals.get(x) || 0) + v);
      const order = [...totals.entries()].sort((a, b) => b[1] - a[1]);
      const top = order.slice(0, 12).map(([x]) => x);
      const rest = new Set(order.slice(12).map(([x]) => x));
      const labels = rest.size ? [...top, 'other'] : top;
      chart(visual.id, 'bar', { indexAxis: 'y', stacked: keys.length > 1 });
      show(visual.id, labels, keys.map((key) => {
        const [series] = JSON.parse(key);
        const m = sums.get(key);
        const data = top.map((x) => m.get(x) || 0);
        if (rest.size) data.push([...rest].reduce((n, x) => n + (m.get(x) || 0), 0));
        return { label: keys.length > 1 ? series : visual.y, data, backgroundColor: colour(series) };
      }));
      return;
    }
    const step = visual.dataset === 'minute_counts' ? 60e3 : 3600e3;
    const times = timeAxis([...xs].sort((a, b) => a - b), step);
    const labelOf = (t) => (step === 60e3 ? minuteLabel : hourLabel)(new Date(t).toISOString());
    chart(visual.id, visual.kind === 'bar' ? 'bar' : 'line', { stacked: visual.kind === 'bar' });
    show(visual.id, times.map(labelOf), keys.map((key) => {
      const [series, split] = JSON.parse(key);
      const m = sums.get(key);
      const provisional = split === true;
      return {
        label: visual.split ? `${series} (${provisional ? 'provisional' : 'final'})` : series,
        data: times.map((t) => (m.has(t) ? m.get(t) : (visual.kind === 'bar' ? 0 : null))),
        borderColor: colour(series),
        backgroundColor: colour(series),
        borderDash: provisional ? [6, 4] : [],
        pointRadius: 2,
        borderWidth: 2,
        spanGaps: false,
      };
    }));
  }

  function hourlySummary() {
    const d = state.rows.hourly_rollup;
    const el = $('#hourly-summary');
    if (!d || d.rows.length === 0) { el.textContent = ''; return; }
    const c = d.columns.map((x) => x.name);
    const hours = new Set(d.rows.map((r) => r[c.indexOf('window_start')]));
    const events = d.rows.reduce((n, r) => n + Number(r[c.indexOf('events')]), 0);
    const types = new Set(d.rows.map((r) => r[c.indexOf('event_type')]));
    el.textContent = `${fmt.format(events)} events in ${hours.size} rolled-up hour${hours.size === 1 ? '' : 's'}, ${types.size} event type${types.size === 1 ? '' : 's'}`
      + (d.truncated ? ' (truncated: more rows than tributary.dashboard.max-rows)' : '');
  }

  async function loadDataset(id, minutes) {
    try {
      state.rows[id] = await api(`/api/dashboard/datasets/${encodeURIComponent(id)}?minutes=${minutes}`);
      return null;
    } catch (error) {
      if (error.status === 401) throw error;
      return error;
    }
  }

  async function refreshMinutes() {
    const minutes = Number($('#window').value);
    const error = await loadDataset('minute_counts', minutes);
    if (error) {
      message('minute_counts', 'error', errorHtml(error));
      return false;
    }
    visuals('minute_counts').forEach(renderVisual);
    if (state.rows.minute_counts.rows.length === 0) {
      message('minute_counts', 'empty', `No events in the last ${minutes / 60} h yet — run <code>bin/generate 200 30</code>; `
        + 'a minute appears here once it has closed (its end plus the allowed lateness, 30 s by default).');
    } else {
      message('minute_counts', null);
    }
    return true;
  }

  async function refreshHourly() {
    const errors = await Promise.all(['hourly_rollup', 'top_categories'].map((id) => loadDataset(id, HOURLY_MINUTES)));
    const [rollupError, topError] = errors;
    if (rollupError) {
      message('hourly_rollup', 'error', errorHtml(rollupError));
    } else {
      visuals('hourly_rollup').forEach(renderVisual);
      hourlySummary();
      message('hourly_rollup', state.rows.hourly_rollup.rows.length ? null : 'empty', 'No rolled-up hours in the last 24 h yet — '
        + 'an hour is sealed, curated by Glue and rolled up by Athena after it ends (in <code>bin/dev</code> about a minute after the hour; '
        + '<code>TRIBUTARY_DEV_SEAL_OPEN_HOUR=true bin/dev</code> also seals the current hour once the stream is idle).');
    }
    if (topError) {
      if (!rollupError) message('top_categories', 'error', errorHtml(topError));
    } else {
      visuals('top_categories').forEach(renderVisual);
      message('top_categories', null);
    }
    return !rollupError && !topError;
  }

  function visuals(datasetId) {
    return state.definition.visuals.filter((v) => v.dataset === datasetId);
  }

  // ---------- pipeline ----------

  function bytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    let v = n;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return `${fmt1.format(v)} ${units[i]}`;
  }

  async function refreshPipeline() {
    let p;
    try {
      p = await api('/api/dashboard/pipeline');
    } catch (error) {
      if (error.status === 401) throw error;
      message('pipeline', 'error', errorHtml(error));
      return false;
    }
    message('pipeline', p.records.received === 0 ? 'empty' : null,
      'No records read from the stream yet — run <code>bin/generate 200 30</code> (or POST events to <code>/events</code>).');
    const rate = p.records_in_per_second;
    $('#fig-rate').textContent = rate === null ? 'measuring…' : fmt1.format(rate);
    $('#fig-received').textContent = fmt.format(p.records.received);
    $('#fig-invalid').textContent = fmt.format(p.records.invalid);
    const zone = (z) => p.written[z] || { objects: 0, bytes: 0 };
    $('#fig-raw-objects').textContent = fmt.format(zone('raw').objects || 0);
    $('#fig-raw-bytes').textContent = bytes(zone('raw').bytes || 0);
    $('#fig-errors-objects').textContent = fmt.format(zone('errors').objects || 0);
    $('#fig-errors-bytes').textContent = bytes(zone('errors').bytes || 0);
    $('#fig-open').textContent = fmt.format(p.batches_open);

    if (rate !== null) {
      state.rateHistory.push([p.generated_at.slice(11, 19), rate]);
      if (state.rateHistory.length > RATE_POINTS) state.rateHistory.shift();
    }
    chart('rate', 'line', { plugins: { legend: { display: false } } });
    show('rate', state.rateHistory.map(([t]) => t), [{
      label: 'records/s', data: state.rateHistory.map(([, v]) => v), borderColor: PALETTE[0], backgroundColor: PALETTE[0], pointRadius: 0, borderWidth: 2,
    }]);
    chart('lag', 'bar', { indexAxis: 'y', plugins: { legend: { display: false } } });
    show('lag', p.shards.map((s) => (/^shardId-\d+$/.test(s.shard) ? `shard ${Number(s.shard.slice(8))}` : s.shard)), [{
      label: 's behind', data: p.shards.map((s) => Math.round((s.behind_ms || 0) / 100) / 10), backgroundColor: PALETTE[1],
    }]);
    const tbody = $('#errors-table tbody');
    const reasons = Object.entries(p.errors_by_reason);
    tbody.innerHTML = reasons.length === 0
      ? '<tr><td colspan="2" class="muted">no rejected records</td></tr>'
      : reasons.sort((a, b) => b[1] - a[1]).map(([r, n]) => `<tr><td>${escapeHtml(r)}</td><td class="num">${fmt.format(n)}</td></tr>`).join('');
    return true;
  }

  // ---------- hour states and lake operations ----------

  const pad = (n) => String(n).padStart(2, '0');
  const hourId = (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${pad(d.getUTCHours())}`;

  /**
   * One refresh of hour states at a time: the table is rebuilt and open histories re-added after an await, so two at once
   * (the timer, a follow-up, an operation's) would lose a history row or add it to a row no longer in the page.
   */
  function refreshHours() {
    const run = state.hoursQueue.then(loadHours, loadHours);
    state.hoursQueue = run.catch(() => {});
    return run;
  }

  /** While a run of an hour is in flight, or one this page asked for is on its way, refresh every BUSY_MS, not SLOW_MS. */
  function followBusyHours(hours) {
    clearTimeout(state.hoursFollowUp);
    state.hoursFollowUp = null;
    const following = Date.now() < state.followUntil;
    const busy = hours.some((h) => h.in_flight || h.state === 'sealed' || h.state === 'curating' || (following && h.state === 'curated'));
    if (busy && state.timers.length) state.hoursFollowUp = setTimeout(() => refreshHours().catch(() => {}), BUSY_MS);
  }

  async function loadHours() {
    const now = new Date();
    const from = hourId(new Date(now.getTime() - 24 * 3600 * 1000));
    const to = hourId(now);
    let hours;
    try {
      hours = await api(`/api/hours?from=${from}&to=${to}`);
    } catch (error) {
      if (error.status === 401) throw error;
      $('#range-form').hidden = true;
      $('#hours-table').hidden = true;
      if (error.status === 404 || error.status === 405 || error.reason === 'no_json') {
        message('hours', 'empty', 'Lake operations API not available in this build (<code>GET /api/hours</code> answered '
          + `${error.status}): hour states and the re-run buttons appear once it is deployed.`);
      } else {
        message('hours', 'error', errorHtml(error));
      }
      return false;
    }
    $('#range-form').hidden = false;
    $('#hours-table').hidden = false;
    if (!$('#range-from').value) { $('#range-from').value = from; $('#range-to').value = to; }
    message('hours', hours.length ? null : 'empty', 'No hours in the last 24 h yet — an hour appears once raw data arrives for it '
      + '(<code>bin/generate 200 30</code>); it is sealed after it ends, with Glue on (<code>tributary.glue.enabled=true</code>).');
    const open = new Set([...document.querySelectorAll('#hours-table tr.history')].map((tr) => tr.dataset.hour));
    const tbody = $('#hours-table tbody');
    tbody.innerHTML = hours.slice().sort((a, b) => (a.hour < b.hour ? 1 : -1)).map((h) => `
      <tr data-hour="${escapeHtml(h.hour)}">
        <td>${escapeHtml(h.hour)}</td>
        <td><span class="state ${escapeHtml(h.state)}">${escapeHtml(h.state.replace('_', ' '))}</span></td>
        <td class="id">${escapeHtml(h.glue_run_id || '')}</td>
        <td class="id">${escapeHtml(h.athena_query_id || '')}</td>
        <td class="num">${h.attempts == null ? '' : escapeHtml(h.attempts)}</td>
        <td>${escapeHtml(h.updated_at ? String(h.updated_at).replace('T', ' ').slice(0, 19) : '')}</td>
        <td class="error">${escapeHtml(h.error || '')}</td>
        <td class="actions">
          <button type="button" data-action="recurate" data-hour="${escapeHtml(h.hour)}" ${h.state === 'curating' ? 'disabled title="a Glue run is in flight"' : ''}>Re-curate</button>
          <button type="button" data-action="rollup" data-hour="${escapeHtml(h.hour)}">Re-roll-up</button>
          <button type="button" data-action="history" data-hour="${escapeHtml(h.hour)}" class="link-ish">History</button>
        </td>
      </tr>`).join('');
    for (const hour of open) await toggleHistory(hour);
    followBusyHours(hours);
    return true;
  }

  function opsResult(text, isError) {
    const el = $('#ops-result');
    el.textContent = text;
    el.classList.toggle('error', !!isError);
    el.hidden = false;
  }

  async function runOperation(action, hour, range) {
    const path = range
      ? `/api/hours/${action}?from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`
      : `/api/hours/${encodeURIComponent(hour)}/${action}`;
    const what = action === 'recurate' ? 'Re-curate' : 'Re-roll-up';
    try {
      const reply = await api(path, { method: 'POST' });
      state.followUntil = Date.now() + FOLLOW_MS;
      const accepted = reply && reply.accepted ? reply.accepted : [];
      opsResult(`${what} accepted for ${accepted.length ? accepted.join(', ') : (hour || `${range.from}…${range.to}`)}`);
    } catch (error) {
      if (error.status === 401) return;
      opsResult(`${what} of ${hour || `${range.from}…${range.to}`} refused: ${error.message}`, true);
    }
    refreshHours().catch(() => {});
  }

  async function toggleHistory(hour) {
    const row = document.querySelector(`#hours-table tr[data-hour="${CSS.escape(hour)}"]:not(.history)`);
    const existing = document.querySelector(`#hours-table tr.history[data-hour="${CSS.escape(hour)}"]`);
    if (existing) { existing.remove(); return; }
    if (!row) return;
    let history;
    try {
      history = await api(`/api/hours/${encodeURIComponent(hour)}/history`);
    } catch (error) {
      opsResult(`History of ${hour}: ${error.message}`, true);
      return;
    }
    const tr = document.createElement('tr');
    tr.className = 'history';
    tr.dataset.hour = hour;
    // one element per field: the double spaces that once separated them collapse to one in HTML, running them together
    tr.innerHTML = `<td colspan="8">${history.length === 0 ? 'no transitions recorded' : `<ol class="transitions">${history.map((t) => `
      <li><time>${escapeHtml(String(t.at).replace('T', ' ').slice(0, 19))}</time>
        <span class="state ${escapeHtml(t.state)}">${escapeHtml(t.state.replace('_', ' '))}</span>
        ${t.glue_run_id ? `<span class="run">glue <code>${escapeHtml(t.glue_run_id)}</code></span>` : ''}
        ${t.athena_query_id ? `<span class="query">athena <code>${escapeHtml(t.athena_query_id)}</code></span>` : ''}
        ${t.detail ? `<span class="detail">${escapeHtml(t.detail)}</span>` : ''}</li>`).join('')}</ol>`}</td>`;
    row.after(tr);
  }

  // ---------- polling ----------

  function every(ms, task) {
    let running = false;
    const run = async () => {
      if (running || document.hidden) return;
      running = true;
      try { await task(); } catch (e) { if (!(e instanceof ApiError && e.status === 401)) console.error(e); } finally { running = false; }
    };
    run();
    state.timers.push(setInterval(run, ms));
  }

  function stopPolling() {
    state.timers.forEach(clearInterval);
    state.timers = [];
    clearTimeout(state.hoursFollowUp);
    state.hoursFollowUp = null;
  }

  async function start() {
    stopPolling();
    try {
      state.definition = await api('/api/dashboard/definition');
    } catch (error) {
      if (error.status !== 401) setStatus(`cannot read the dashboard definition: ${error.message}`, true);
      return;
    }
    for (const v of state.definition.visuals) {
      const caption = document.getElementById(`title-${v.id}`);
      if (caption) caption.textContent = v.title;
    }
    document.querySelectorAll('#minutes, #hourly').forEach((el) => el.classList.toggle('off', !state.definition.redshift_enabled));
    if (!state.definition.redshift_enabled) {
      for (const id of ['minute_counts', 'hourly_rollup']) {
        message(id, 'error', 'Redshift is off: set <code>tributary.redshift.enabled=true</code> (<code>TRIBUTARY_REDSHIFT_ENABLED=true</code>) '
          + 'and <code>quarkus.datasource.redshift.jdbc.url</code> to see the warehouse charts; <code>bin/dev</code> starts the local stand-in with both set.');
      }
    }
    every(FAST_MS, async () => {
      const ok = await Promise.all([state.definition.redshift_enabled ? refreshMinutes() : true, refreshPipeline()]);
      setStatus(`updated ${new Date().toISOString().slice(11, 19)} UTC${ok.every(Boolean) ? '' : ' · some panels failed, see below'}`, !ok.every(Boolean));
    });
    every(SLOW_MS, async () => {
      await Promise.all([state.definition.redshift_enabled ? refreshHourly() : true, refreshHours()]);
    });
  }

  // ---------- wiring ----------

  document.addEventListener('DOMContentLoaded', () => {
    $('#key-form').addEventListener('submit', () => {
      const key = $('#key-input').value.trim();
      if (!key) return;
      sessionStorage.setItem(KEY_STORE, key);
      start();
    });
    $('#forget-key').addEventListener('click', () => { sessionStorage.removeItem(KEY_STORE); askForKey(); });
    $('#window').addEventListener('change', () => { if (state.definition) refreshMinutes(); });
    $('#hours-table').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-action]');
      if (!button) return;
      if (button.dataset.action === 'history') toggleHistory(button.dataset.hour);
      else runOperation(button.dataset.action, button.dataset.hour);
    });
    $('#range-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const action = event.submitter ? event.submitter.dataset.action : 'recurate';
      runOperation(action, null, { from: $('#range-from').value.trim(), to: $('#range-to').value.trim() });
    });
    if (typeof Chart === 'undefined') {
      setStatus('Chart.js did not load (vendor/chart.js-4.6.2/chart.umd.min.js): rebuild the application', true);
      return;
    }
    if (apiKey()) start(); else askForKey();
  });
})();
