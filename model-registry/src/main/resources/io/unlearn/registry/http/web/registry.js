'use strict';
// The model-registry's web page. Everything it shows comes from the registry's own REST API (relative URLs, so it
// also works behind a proxy under a path prefix); no other host, no build step.
//
// Escaping: model, version and request ids, reasons and every other string of the API come from upstream input.
// They reach the page only through el()/svg() below, as text nodes and attribute values, never as markup, so no
// string of the API is ever parsed as HTML. Do not use innerHTML here.

// The receipt and deadline endpoints; a registry without a receipt key answers 503, which the page shows and goes on.
const ENDPOINTS = {
  receipt: requestId => 'requests/' + encodeURIComponent(requestId) + '/receipt',
  deadlines: 'deadlines',
};

const TOKEN_KEY = 'unlearn.registry.token';
const SVG_NS = 'http://www.w3.org/2000/svg';
// Charts of these metrics come first, in this order; any other numeric metric follows alphabetically.
const LEADING_METRICS = ['forget.accuracy', 'retain.accuracy', 'test.accuracy', 'mia.accuracy'];
// A metric's 95 % interval half-width (catalog's MetricSpec.CI95_SUFFIX): drawn on that metric's chart.
const CI95_SUFFIX = '.ci95';

// ------------------------------------------------------------------ DOM

const $ = id => document.getElementById(id);

function el(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') node.addEventListener(name.replace(/^on/, ''), value);
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child)); // a string becomes a text node
  }
  return node;
}

function table(headers, rows) {
  return el('table', {}, el('thead', {}, el('tr', {}, headers.map(h => el('th', {}, h)))),
    el('tbody', {}, rows.map(cells => el('tr', {}, cells.map(c => c instanceof Node && c.tagName === 'TD' ? c
      : el('td', {}, c))))));
}

function num(value) {
  if (typeof value !== 'number') return value === undefined || value === null ? '' : String(value);
  if (Number.isInteger(value) || Math.abs(value) >= 1000) return String(value);
  return value.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
}

function numCell(value) {
  return el('td', {class: 'num'}, num(value));
}

function json(value) {
  return el('pre', {}, JSON.stringify(value, null, 2));
}

function short(text, max) {
  const s = String(text ?? '');
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

// ------------------------------------------------------------------ API and token

async function api(path) {
  const headers = {Accept: 'application/json'};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = 'Bearer ' + token;
  let response;
  try {
    response = await fetch(path, {headers, cache: 'no-store'});
  } catch (e) {
    return {status: 0, body: {error: 'the registry did not answer (' + e.message + ')'}};
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  if (response.status === 401) showAuthNeeded(Boolean(token), body);
  return {status: response.status, body};
}

/** The body of a 200 answer; otherwise an Error saying why. */
async function apiOk(path) {
  const answer = await api(path);
  if (answer.status !== 200) throw new Error(reason(answer));
  return answer.body;
}

function reason(answer) {
  const error = answer.body && answer.body.error;
  return (answer.status ? 'HTTP ' + answer.status : 'no answer') + (error ? ', ' + error : '');
}

function showAuthNeeded(tokenSent, body) {
  const notice = $('auth-notice');
  notice.replaceChildren(el('strong', {}, '401 Unauthorized: '), tokenSent
    ? 'the registry refused the token this tab sends. Check it, paste it again above and press Use.'
    : 'this registry needs its token for reads (http.auth.reads=token). Paste it above and press Use.',
  body && body.error ? el('span', {class: 'muted'}, ' (' + body.error + ')') : null);
  notice.hidden = false;
}

function showTokenState() {
  $('token-state').textContent = sessionStorage.getItem(TOKEN_KEY)
    ? 'a token is sent (kept in this tab only)' : 'no token sent';
}

// ------------------------------------------------------------------ models

async function loadModels() {
  const box = $('models');
  box.setAttribute('aria-busy', 'true');
  try {
    const models = await apiOk('models');
    const sections = [];
    for (const [index, summary] of models.entries()) { // one model at a time: the server has few threads
      sections.push(await modelSection(summary, index));
    }
    box.replaceChildren(...(models.length ? [modelTable(models), ...sections]
      : [el('p', {class: 'muted'}, 'No models registered yet (POST /models).')]));
  } catch (e) {
    box.replaceChildren(el('p', {class: 'error'}, 'Cannot list the models: ' + e.message));
  } finally {
    box.setAttribute('aria-busy', 'false');
  }
}

function modelTable(models) {
  return table(['model', 'family', 'production', 'current version', 'versions', 'registered'],
    models.map(m => [el('code', {}, m.modelId), m.family,
      m.aliases.production ? el('code', {}, m.aliases.production) : el('span', {class: 'muted'}, 'none yet'),
      el('code', {}, m.currentVersionId), numCell(m.versionCount), m.registeredAt]));
}

async function modelSection(summary, index) {
  const section = el('section', {class: 'model', 'data-model': summary.modelId});
  let model, versions;
  try {
    model = await apiOk('models/' + encodeURIComponent(summary.modelId));
    versions = await Promise.all(model.versions.map(v => apiOk('models/' + encodeURIComponent(model.modelId)
      + '/versions/' + encodeURIComponent(v.versionId))));
  } catch (e) {
    return build(section, {}, [el('h3', {}, summary.modelId),
      el('p', {class: 'error'}, 'Cannot read the model: ' + e.message)]);
  }
  const aliases = Object.entries(model.aliases);
  const details = el('div', {class: 'version-details'},
    el('p', {class: 'muted'}, 'Click a version in the graph to see how it was made and how it was judged.'));
  const graph = lineageGraph(model, versions, index, version => {
    details.replaceChildren(...versionDetails(model, version));
  });
  return build(section, {}, [
    el('h3', {}, el('code', {}, model.modelId), ' ', el('span', {class: 'family'}, '(' + model.family + ')')),
    el('p', {},
      aliases.length ? aliases.map(([alias, version], i) => [i ? ', ' : '', el('span', {class: 'model-alias',
        'data-alias': alias}, el('span', {class: 'alias-name'}, alias), ' → ', el('code', {}, version))])
        : el('span', {class: 'muted model-alias'}, 'no alias yet: no version has passed verification'),
      '; current version ', el('code', {}, model.currentVersionId), '; base ', el('code', {}, model.baseVersionId),
      '; ', model.lineageLength, ' lineage events; registered ', model.registeredAt),
    el('div', {class: 'model-body'}, el('div', {class: 'graph'}, graph.element), details),
    el('h3', {}, 'Verification metrics across versions'),
    metricCharts(model, versions, graph.select),
  ]);
}

// ------------------------------------------------------------------ lineage graph

/**
 * Places each version of a tree (parent → child): columns by depth from the base, rows so that the longest branch
 * runs straight and each further child opens a row below.
 */
function layoutLineage(versions) {
  const byId = new Map(versions.map(v => [v.versionId, v]));
  const children = new Map();
  const roots = [];
  for (const v of versions) {
    if (v.parentVersionId && byId.has(v.parentVersionId)) {
      if (!children.has(v.parentVersionId)) children.set(v.parentVersionId, []);
      children.get(v.parentVersionId).push(v);
    } else {
      roots.push(v);
    }
  }
  const height = new Map();
  const measure = v => {
    const h = 1 + Math.max(0, ...(children.get(v.versionId) || []).map(measure));
    height.set(v.versionId, h);
    return h;
  };
  roots.forEach(measure);
  const position = new Map();
  let rows = 0;
  const place = (v, depth) => {
    const kids = [...(children.get(v.versionId) || [])]
      .sort((a, b) => height.get(b.versionId) - height.get(a.versionId)); // stable: ties keep chain order
    let row = null;
    for (const kid of kids) {
      const kidRow = place(kid, depth + 1);
      if (row === null) row = kidRow;
    }
    if (row === null) row = rows++;
    position.set(v.versionId, {depth, row});
    return row;
  };
  roots.forEach(root => place(root, 0));
  const edges = versions.filter(v => v.parentVersionId && byId.has(v.parentVersionId))
    .map(v => ({from: v.parentVersionId, to: v.versionId}));
  return {position, edges, rows, depth: Math.max(0, ...[...position.values()].map(p => p.depth)) + 1};
}

function methodOf(version) {
  const d = version.details || {};
  if (version.status === 'BASE') return 'base' + (d.family ? ' · ' + d.family : '');
  return (d.method || '?') + (d.attempt !== undefined ? ' #' + d.attempt : '');
}

/** The lineage as inline SVG; returns the element and select(versionId), which shows a version's details. */
function lineageGraph(model, versions, index, onSelect) {
  const {position, edges, rows, depth} = layoutLineage(versions);
  const colWidth = 150, rowHeight = 78, left = 60, top = 34, radius = 13;
  const at = id => {
    const p = position.get(id);
    return {x: left + p.depth * colWidth, y: top + p.row * rowHeight};
  };
  const arrow = 'arrow-' + index;
  const root = svg('svg', {class: 'lineage', width: left * 2 + (depth - 1) * colWidth, height: top + rows * rowHeight,
    role: 'img', 'aria-label': 'lineage of ' + model.modelId},
  svg('defs', {}, svg('marker', {id: arrow, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7,
    markerHeight: 7, orient: 'auto-start-reverse'}, svg('path', {class: 'arrowhead', d: 'M0,0 L10,5 L0,10 z'}))));
  for (const edge of edges) {
    const a = at(edge.from), b = at(edge.to);
    const x1 = a.x + radius, x2 = b.x - radius - 2, mid = (x1 + x2) / 2;
    root.append(svg('path', {class: 'edge', 'data-from': edge.from, 'data-to': edge.to,
      'marker-end': 'url(#' + arrow + ')',
      d: a.y === b.y ? `M${x1},${a.y} L${x2},${b.y}` : `M${x1},${a.y} C${mid},${a.y} ${mid},${b.y} ${x2},${b.y}`}));
  }
  const nodes = new Map();
  const select = versionId => {
    const version = versions.find(v => v.versionId === versionId);
    if (!version) return;
    nodes.forEach((node, id) => node.classList.toggle('selected', id === versionId));
    onSelect(version);
  };
  for (const v of versions) {
    const {x, y} = at(v.versionId);
    const node = svg('g', {class: 'node ' + v.status, 'data-version': v.versionId, 'data-status': v.status,
      tabindex: 0, role: 'button', onclick: () => select(v.versionId),
      onkeydown: e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(v.versionId); } }},
    svg('title', {}, v.versionId + ' (' + v.status + ', ' + methodOf(v) + ')'),
    v.aliases.length ? svg('circle', {class: 'alias-ring', cx: x, cy: y, r: radius + 4}) : null,
    svg('circle', {class: 'dot', cx: x, cy: y, r: radius}),
    svg('text', {class: 'version-label', x, y: y - radius - 8, 'text-anchor': 'middle'}, short(v.versionId, 15)),
    svg('text', {class: 'method-label', x, y: y + radius + 15, 'text-anchor': 'middle'}, short(methodOf(v), 24)),
    v.aliases.length ? svg('text', {class: 'alias-label', x, y: y + radius + 27, 'text-anchor': 'middle'},
      v.aliases.join(', ')) : null);
    nodes.set(v.versionId, node);
    root.append(node);
  }
  return {element: root, select};
}

// ------------------------------------------------------------------ version details

function versionDetails(model, v) {
  const d = v.details || {};
  const facts = [
    ['version', el('code', {}, v.versionId)],
    ['status', el('span', {class: v.status}, v.status)],
    ['parent', v.parentVersionId ? el('code', {}, v.parentVersionId) : '—'],
  ];
  if (v.status === 'BASE') {
    facts.push(['family', d.family], ['dataset', d.dataset ? json(d.dataset) : ''],
      ['policy', d.policy ? json(d.policy) : ''], ['architecture', d.architecture ? json(d.architecture) : '']);
  } else {
    facts.push(['method', d.method], ['attempt', d.attempt],
      ['settings', d.methodSettings ? Object.entries(d.methodSettings).map(([k, val]) => k + '=' + val).join(', ') : ''],
      ['batch', v.batchId], ['device', d.device],
      ['cost', [d['cost.wallTimeMs'] !== undefined ? d['cost.wallTimeMs'] + ' ms' : '',
        d['cost.forwardSamplePasses'] !== undefined ? ', ' + d['cost.forwardSamplePasses'] + ' forward / '
          + d['cost.backwardSamplePasses'] + ' backward sample passes' : ''].join('')],
      ['seed', d.seed], ['created', d.createdAt]);
  }
  facts.push(['recorded', d.recordedAt], ['aliases', v.aliases.join(', ') || '—'],
    ['artifact', el('code', {title: v.artifactDigest}, short(v.artifactDigest, 20))],
    ['requests', requestLinks(v.requestIds)],
    ['lineage to base', v.lineageToBase.map(step => step.versionId).join(' ← ')]);
  const out = [el('h3', {}, 'Version ', el('code', {}, v.versionId)),
    el('dl', {}, facts.map(([k, val]) => [el('dt', {}, k), el('dd', {}, val ?? '')]))];
  const verification = v.verification;
  if (verification) {
    out.push(el('h3', {}, 'Verification: ', el('span', {class: verification.verdict}, verification.verdict)),
      el('p', {}, verification.reason, el('span', {class: 'muted'}, ' (verified ' + verification.verifiedAt + ')')));
    const checks = Array.isArray(verification.checks) ? verification.checks : [];
    if (checks.length) {
      out.push(el('table', {class: 'checks'},
        el('thead', {}, el('tr', {}, ['metric', 'value', 'bound', 'passed', 'margin'].map(h => el('th', {}, h)))),
        el('tbody', {}, checks.map(c => el('tr', {}, el('td', {}, el('code', {}, c.metric)), numCell(c.value),
          el('td', {}, (c.comparator || '') + ' ' + num(c.threshold)),
          el('td', {class: c.passed ? 'PASSED' : 'FAILED'}, c.passed ? 'yes' : 'no'), numCell(c.margin))))));
    }
    const metrics = verification.metrics || {};
    const names = Object.keys(metrics).sort(metricOrder);
    if (names.length) {
      const parent = verification.parentMetrics || {}, reference = verification.referenceMetrics || {};
      out.push(table(['metric', 'this version', 'parent', 'retrained reference'],
        names.map(n => [el('code', {}, n), numCell(metrics[n]), numCell(parent[n]), numCell(reference[n])])));
    }
  } else if (v.status === 'CANDIDATE') {
    out.push(el('p', {class: 'muted'}, 'Not verified yet.'));
  }
  out.push(el('h3', {}, 'Lineage events'), table(['#', 'type', 'hash', 'recorded'],
    v.events.map(e => [numCell(e.sequence), e.type, el('code', {title: e.hash}, short(e.hash, 14)), e.recordedAt])));
  return out;
}

function requestLinks(requestIds) {
  if (!requestIds.length) return '—';
  const shown = requestIds.slice(0, 30);
  return [shown.map((id, i) => [i ? ', ' : '', el('button', {type: 'button', class: 'linkish',
    title: 'look up this request', onclick: () => {
      $('request-section').scrollIntoView();
      lookUpRequest(id);
    }}, id)]),
  requestIds.length > shown.length ? ' and ' + (requestIds.length - shown.length) + ' more' : ''];
}

// ------------------------------------------------------------------ metric charts

function metricOrder(a, b) {
  const ia = LEADING_METRICS.indexOf(a), ib = LEADING_METRICS.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One small chart per numeric metric of the versions' verifications, the verified versions in chain order along
 * the x axis (the same in every chart), a point per version coloured by its verdict with its 95 % interval where
 * the verifier reports one, and the policy's threshold for that metric as a dashed line. Each value was measured
 * on its own version's batch.
 */
function metricCharts(model, versions, select) {
  const verified = versions.filter(v => v.verification && v.verification.metrics
    && typeof v.verification.metrics === 'object');
  const measured = new Set(verified.flatMap(v => Object.entries(v.verification.metrics)
    .filter(([, value]) => Number.isFinite(value)).map(([name]) => name)));
  const names = [...measured].filter(n => !(n.endsWith(CI95_SUFFIX) && measured.has(n.slice(0, -CI95_SUFFIX.length))))
    .sort(metricOrder);
  if (!names.length) return el('p', {class: 'muted'}, 'No version has verification metrics yet.');
  const thresholds = (model.policy && Array.isArray(model.policy.thresholds)) ? model.policy.thresholds : [];
  return el('div', {class: 'charts'}, names.map(name => el('figure', {},
    metricChart(name, verified, thresholds.filter(t => t.metric === name && Number.isFinite(t.threshold)), select),
    el('figcaption', {}, name))));
}

function metricChart(name, verified, thresholds, select) {
  const width = 250, height = 140, left = 40, right = 10, top = 10, bottom = 24;
  const points = verified.map((v, i) => ({v, i, value: v.verification.metrics[name],
    ci95: v.verification.metrics[name + CI95_SUFFIX]})).filter(p => Number.isFinite(p.value));
  const values = [...points.flatMap(p => Number.isFinite(p.ci95) ? [p.value - p.ci95, p.value + p.ci95] : [p.value]),
    ...thresholds.map(t => t.threshold)];
  let lo = Math.min(...values), hi = Math.max(...values);
  if (lo >= 0 && hi <= 1) {
    lo = 0; hi = 1; // a share: the whole range, so that charts of shares compare at a glance
  } else if (lo === hi) {
    lo -= Math.abs(lo) * 0.1 || 1; hi += Math.abs(hi) * 0.1 || 1;
  } else {
    const pad = (hi - lo) * 0.08; lo -= pad; hi += pad;
  }
  const x = i => left + (verified.length === 1 ? (width - left - right) / 2
    : i * (width - left - right) / (verified.length - 1));
  const y = value => top + (hi - value) * (height - top - bottom) / (hi - lo);
  const chart = svg('svg', {class: 'chart', 'data-metric': name, width, height, role: 'img',
    'aria-label': name + ' across versions'});
  for (const tick of [lo, (lo + hi) / 2, hi]) {
    chart.append(svg('line', {class: 'grid', x1: left, x2: width - right, y1: y(tick), y2: y(tick)}),
      svg('text', {class: 'tick', x: left - 4, y: y(tick) + 3, 'text-anchor': 'end'}, num(tick)));
  }
  chart.append(svg('line', {class: 'axis', x1: left, x2: left, y1: top, y2: height - bottom}),
    svg('line', {class: 'axis', x1: left, x2: width - right, y1: height - bottom, y2: height - bottom}));
  for (const t of thresholds) {
    chart.append(svg('line', {class: 'threshold', x1: left, x2: width - right, y1: y(t.threshold), y2: y(t.threshold)},
      svg('title', {}, 'policy: ' + name + ' ' + t.comparator + ' ' + num(t.threshold))),
    svg('text', {class: 'threshold-label', x: left + 4, y: y(t.threshold) - 3},
      t.comparator + ' ' + num(t.threshold)));
  }
  if (verified.length > 0) {
    const ends = verified.length === 1 ? [0] : [0, verified.length - 1];
    for (const i of ends) {
      chart.append(svg('text', {class: 'tick', x: x(i), y: height - bottom + 13,
        'text-anchor': verified.length === 1 ? 'middle' : i === 0 ? 'start' : 'end'},
      short(verified[i].versionId, 16)));
    }
  }
  if (points.length > 1) {
    chart.append(svg('polyline', {class: 'series', points: points.map(p => x(p.i) + ',' + y(p.value)).join(' ')}));
  }
  for (const p of points.filter(p => Number.isFinite(p.ci95))) {
    chart.append(svg('line', {class: 'interval', x1: x(p.i), x2: x(p.i), y1: y(p.value - p.ci95),
      y2: y(p.value + p.ci95)}));
  }
  for (const p of points) {
    chart.append(svg('circle', {class: 'point ' + p.v.status, cx: x(p.i), cy: y(p.value), r: 4.5,
      'data-version': p.v.versionId, 'data-value': p.value, onclick: () => select(p.v.versionId)},
    svg('title', {}, p.v.versionId + ' (' + p.v.status + '): ' + name + ' = ' + num(p.value)
      + (Number.isFinite(p.ci95) ? ' ± ' + num(p.ci95) + ' (95 %)' : ''))));
  }
  return chart;
}

// ------------------------------------------------------------------ deletion request

async function lookUpRequest(requestId) {
  const id = String(requestId).trim();
  if (!id) return;
  $('request-id').value = id;
  const out = $('request-result');
  out.setAttribute('aria-busy', 'true');
  out.replaceChildren(el('p', {class: 'muted'}, 'Looking up…'));
  const [answer, receipt] = await Promise.all([api('requests/' + encodeURIComponent(id)),
    api(ENDPOINTS.receipt(id))]);
  const parts = [];
  if (answer.status === 200) {
    const r = answer.body;
    parts.push(el('h3', {}, 'Status history of ', el('code', {}, r.requestId)),
      r.history.length ? table(['at', 'state', 'model', 'batch', 'version', 'stage', 'reason', 'flags'],
        r.history.map(h => [h.at, el('td', {class: stateClass(h.state)}, h.state), h.modelId, h.batchId,
          h.versionId ? el('code', {}, h.versionId) : '', h.stage, h.reason, (h.flags || []).join(', ')]))
        : el('p', {class: 'muted'}, 'No status recorded.'));
    if (r.models.length) {
      parts.push(el('h3', {}, 'Per model'), table(['model', 'first excluding version', 'current version',
        'current version excludes it', 'attempts'],
      r.models.map(m => [el('code', {}, m.modelId),
        m.firstExcludingVersion ? [el('code', {}, m.firstExcludingVersion.versionId),
          m.excludedOnArrival ? ' (already excluded on arrival)' : ''] : el('span', {class: 'muted'}, 'none yet'),
        el('code', {}, m.currentVersionId),
        el('td', {class: m.currentVersionExcludes ? 'PASSED' : 'FAILED'}, m.currentVersionExcludes ? 'yes' : 'no'),
        m.attempts.map(a => a.versionId + ' ' + a.status).join(', ') || '—'])));
    }
  } else {
    parts.push(el('p', {class: answer.status === 404 ? 'muted' : 'error'}, 'No status for ', el('code', {}, id),
      ' (' + reason(answer) + ').'));
  }
  parts.push(el('h3', {}, 'Receipt'), receipt.status === 200
    ? el('div', {id: 'receipt', class: 'receipt'}, json(receipt.body))
    : el('p', {id: 'receipt', class: 'muted'}, 'no receipt (' + reason(receipt) + ')'));
  out.replaceChildren(...parts);
  out.setAttribute('aria-busy', 'false');
}

function stateClass(state) {
  return state === 'VERIFIED' ? 'PASSED' : ['FAILED', 'REJECTED'].includes(state) ? 'FAILED' : '';
}

// ------------------------------------------------------------------ deadlines

/** The rows of a list answer: the list itself, or the first list in an object that wraps it. */
function rowsOf(body) {
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object') return Object.values(body).find(Array.isArray) || null;
  return null;
}

async function loadDeadlines() {
  const box = $('deadlines');
  box.setAttribute('aria-busy', 'true');
  const answer = await api(ENDPOINTS.deadlines);
  const rows = answer.status === 200 ? rowsOf(answer.body) : null;
  if (answer.status !== 200) {
    box.replaceChildren(el('p', {class: 'muted'}, 'not available (' + reason(answer) + ')'));
  } else if (!rows) {
    box.replaceChildren(json(answer.body));
  } else if (!rows.length) {
    box.replaceChildren(el('p', {class: 'muted'}, 'No open request is near or past its deadline.'));
  } else {
    const columns = [...new Set(rows.flatMap(r => r && typeof r === 'object' ? Object.keys(r) : []))];
    box.replaceChildren(table(columns, rows.map(r => columns.map(c => {
      const value = r[c];
      if (c === 'requestId' && typeof value === 'string') {
        return el('button', {type: 'button', class: 'linkish', onclick: () => lookUpRequest(value)}, value);
      }
      return value !== null && typeof value === 'object' ? JSON.stringify(value) : num(value);
    }))));
  }
  box.setAttribute('aria-busy', 'false');
}

// ------------------------------------------------------------------ lineage check

async function verifyLineage() {
  const out = $('verdict');
  out.textContent = 'checking…';
  const answer = await api('lineage/verify');
  if (answer.status !== 200) {
    out.replaceChildren(el('span', {class: 'error'}, 'cannot check (' + reason(answer) + ')'));
  } else if (answer.body.status === 'OK') {
    const {checkedEvents, checkedModels, checkedAt} = answer.body;
    out.replaceChildren(el('span', {class: 'OK'}, 'OK'), ': ' + checkedEvents + ' events of ' + checkedModels
      + (checkedModels === 1 ? ' model' : ' models') + ' check out (' + checkedAt + ')');
  } else {
    const b = answer.body.break;
    out.replaceChildren(el('span', {class: 'BROKEN'}, 'BROKEN'), ': model ', el('code', {}, b.modelId), ' event #'
      + b.sequence + (b.versionId ? ' (version ' + b.versionId + ')' : '') + ': ' + b.problem);
  }
}

// ------------------------------------------------------------------ start

function loadAll() {
  $('auth-notice').hidden = true;
  showTokenState();
  loadModels();
  loadDeadlines();
}

document.addEventListener('DOMContentLoaded', () => {
  $('token-form').addEventListener('submit', e => {
    e.preventDefault();
    const token = $('token').value.trim();
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    $('token').value = '';
    loadAll();
  });
  $('token-forget').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    loadAll();
  });
  $('request-form').addEventListener('submit', e => {
    e.preventDefault();
    lookUpRequest($('request-id').value);
  });
  $('models-reload').addEventListener('click', loadModels);
  $('deadlines-reload').addEventListener('click', loadDeadlines);
  $('verify').addEventListener('click', verifyLineage);
  loadAll();
});
