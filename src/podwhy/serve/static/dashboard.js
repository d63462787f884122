/* podwhy dashboard: renders the report podwhy serve diagnoses and follows /events.
 *
 * It never reads the whole report (api/v1/report: on a big cluster 100+ MB of per-node verdicts). The
 * groups and one line per subject come from api/v1/dashboard; a subject's findings, evidence, fixes and
 * node table from api/v1/subject?ref= when it is opened, kept per report version and fetched again
 * when a newer version is shown.
 *
 * Every string in the report comes from the cluster and is attacker-controlled. The DOM is built
 * with createElement / textContent / setAttribute only, never from HTML text; the only links are
 * in-page `#` fragments built from a safe encoding; control and invisible formatting characters
 * are shown as visible escapes (the same idea as podwhy's terminal sanitiser, render/sanitize.py).
 * No style attributes are set (the CSP allows style sheets from 'self' only): state is classes,
 * `hidden` and data-* attributes.
 */
'use strict';

(function () {
  // ---------------------------------------------------------------------------------------------
  // Text neutralisation

  // C0 (but tab/newline, handled by the caller), DEL, C1, and the bidi / zero-width / invisible
  // formatting characters: ALM, ZWSP..RLM, LS, PS, LRE..RLO, WJ..invisible plus, LRI..PDI, BOM.
  const CONTROL_RE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

  function hex(n, width) {
    let s = n.toString(16);
    while (s.length < width) s = '0' + s;
    return s;
  }

  function escapeChar(c) {
    const n = c.charCodeAt(0);
    return n < 0x100 ? '\\x' + hex(n, 2) : '\\u' + hex(n, 4);
  }

  /** Cluster text made safe to show: one line (newlines as ⏎, tabs as spaces) unless multiline. */
  function clean(value, multiline) {
    if (value === null || value === undefined) return '';
    let s = String(value).replace(/\r\n/g, '\n');
    if (!multiline) s = s.replace(/\n/g, '⏎').replace(/\t/g, ' ');
    return s.replace(CONTROL_RE, escapeChar);
  }

  /** An id / fragment for any string: [A-Za-z0-9-] kept, every other UTF-16 unit as _hex_. */
  function safeId(prefix, s) {
    return prefix + String(s).replace(/[^A-Za-z0-9-]/g, function (c) {
      return '_' + c.charCodeAt(0).toString(16) + '_';
    });
  }

  // ---------------------------------------------------------------------------------------------
  // DOM helpers (text only)

  /** el('div', 'cls', child, ...) - string children become cleaned text nodes; null/false skipped. */
  function el(tag, cls) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    for (let i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) {
      child.forEach(function (c) { append(node, c); });
    } else if (typeof child === 'string' || typeof child === 'number') {
      node.appendChild(document.createTextNode(clean(child, false)));
    } else {
      node.appendChild(child);
    }
  }

  /** A <pre> of cluster text: line breaks kept, everything else escaped. */
  function pre(cls, text) {
    const p = el('pre', cls);
    p.appendChild(document.createTextNode(clean(text, true)));
    return p;
  }

  function button(cls, label, onClick, ariaLabel) {
    const b = el('button', cls, label);
    b.type = 'button';
    if (ariaLabel) b.setAttribute('aria-label', clean(ariaLabel, false));
    b.addEventListener('click', onClick);
    return b;
  }

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : (many || one + 's'));
  }

  const SEVERITY = {
    error: { mark: '✗', rank: 0 },
    warning: { mark: '!', rank: 1 },
    info: { mark: 'i', rank: 2 },
  };

  function sevClass(sev) {
    return Object.prototype.hasOwnProperty.call(SEVERITY, sev) ? 'sev-' + sev : 'sev-unknown';
  }

  function sevBadge(sev) {
    const known = Object.prototype.hasOwnProperty.call(SEVERITY, sev);
    const b = el('span', 'sev ' + sevClass(sev));
    b.appendChild(el('span', 'sev-mark', known ? SEVERITY[sev].mark : '?'));
    b.appendChild(el('span', 'sev-word', known ? sev : String(sev || 'unknown')));
    return b;
  }

  // ---------------------------------------------------------------------------------------------
  // State

  const FILTER_KEYS = ['namespace', 'code', 'owner'];
  const NODE_ROWS = 50;        // node rows shown before "show all"
  const SUBJECT_PAGE = 200;    // subjects built per "show more" in a group
  const MAX_NAMESPACE_CHIPS = 40;
  const MAX_CACHED_SUBJECTS = 64;  // subject bodies kept (open ones are never dropped)

  const ui = {
    openGroups: new Set(),     // group keys (code + key) whose subject list is open
    openSubjects: new Set(),   // subject refs whose findings are open
    allNodes: new Set(),       // subject refs whose whole node table is shown
    groupLimit: new Map(),     // group key -> how many subjects are built
  };

  const live = {
    announced: null,   // latest version /events announced
    shown: null,       // version of the report on screen
    inflight: false,
    again: false,
    lastText: null,
    lastFilters: null,
    source: null,
    retry: 1000,
    firstFetchTimer: null,
    started: false,
    reconnected: false,
  };

  // Subject bodies (api/v1/subject), by ref: {version, epoch, text, doc} (doc null: not stuck any more).
  // An entry is fresh while its version is at least the one on screen; `epoch` moves when the server may
  // be another process (its versions start again), which makes every entry stale.
  const bodies = {
    cache: new Map(),
    pending: new Map(),  // ref -> {version, epoch, promise}: one request per subject at a time
    epoch: 0,
  };

  let report = null; // the api/v1/dashboard document on screen: groups, and one line per subject
  let index = null;  // {byRef: Map(ref -> line), groupOf: Map(ref -> group position)}

  const $ = function (id) { return document.getElementById(id); };
  const root = $('app');

  function groupKey(g) {
    return String(g.code) + '\u0000' + String(g.key || '');
  }

  function filters() {
    const q = new URLSearchParams(location.search);
    const f = {};
    FILTER_KEYS.forEach(function (k) {
      const v = q.get(k);
      if (v) f[k] = v;
    });
    return f;
  }

  function filterQuery(f) {
    const q = new URLSearchParams();
    FILTER_KEYS.forEach(function (k) { if (f[k]) q.set(k, f[k]); });
    const s = q.toString();
    return s ? '?' + s : '';
  }

  function setFilters(next) {
    history.pushState(null, '', location.pathname + filterQuery(next));
    window.scrollTo(0, 0);
    refresh();
  }

  function narrow(extra) {
    const f = filters();
    Object.keys(extra).forEach(function (k) { f[k] = extra[k]; });
    setFilters(f);
  }

  // ---------------------------------------------------------------------------------------------
  // Fetching

  function refresh() {
    if (live.inflight) {
      live.again = true;
      return;
    }
    live.inflight = true;
    root.setAttribute('data-status', 'loading');
    const query = filterQuery(filters());
    let version = live.announced;
    fetch('api/v1/dashboard' + query, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'application/json' },
    }).then(function (res) {
      if (!res.ok) throw new Error('could not load the report: ' + httpWhy(res.status));
      // The server names the version of the bytes it sent; trust that over the last announcement.
      version = versionOf(res, version);
      return res.text();
    }).then(function (text) {
      if (query !== filterQuery(filters())) return;  // the filters changed meanwhile: refetched below
      if (typeof version === 'number' && typeof live.shown === 'number' && version < live.shown) {
        bodies.epoch++;  // versions went back: another server process, whose subjects may differ
      }
      if (text !== live.lastText || query !== live.lastFilters) {
        const doc = JSON.parse(text);
        if (!doc || typeof doc !== 'object' || !Array.isArray(doc.subjects) || !Array.isArray(doc.groups)) {
          throw new Error('the server sent something that is not a podwhy dashboard');
        }
        live.lastText = text;
        live.lastFilters = query;
        live.shown = version;  // before rendering: open subjects compare their bodies' version with it
        render(doc);
      } else {
        live.shown = version;
        renderChrome();
      }
      root.setAttribute('data-version', version === null ? '' : String(version));
      root.setAttribute('data-status', 'ready');
      showError(null);
      stamp();
    }).catch(function (err) {
      root.setAttribute('data-status', 'error');
      showError(err && err.message ? err.message : String(err));
    }).then(function () {
      live.inflight = false;
      if (live.again) {
        live.again = false;
        refresh();
      }
    });
  }

  function httpWhy(status) {
    return status === 401 || status === 403
      ? 'not authorised (open the address podwhy serve printed, with its ?token=)'
      : 'HTTP ' + status;
  }

  /** The report version a response says it belongs to, or `fallback`. */
  function versionOf(res, fallback) {
    const header = res.headers.get('X-Podwhy-Report-Version');
    return header && /^[0-9]{1,15}$/.test(header) ? Number(header) : fallback;
  }

  function stamp() {
    const t = $('updated');
    const now = new Date();
    t.setAttribute('datetime', now.toISOString());
    t.textContent = now.toLocaleTimeString();
  }

  function showError(message) {
    const box = $('error');
    if (!message) {
      box.hidden = true;
      box.textContent = '';
      return;
    }
    box.textContent = clean(message, false);
    box.hidden = false;
  }

  function setConn(state, text) {
    const c = $('conn');
    c.setAttribute('data-conn', state);
    $('conn-text').textContent = text;
  }

  function firstFetch() {
    if (live.started) return;
    live.started = true;
    clearTimeout(live.firstFetchTimer);
    refresh();
  }

  function connect() {
    if (typeof EventSource === 'undefined') {
      setConn('off', 'no live updates (browser without EventSource)');
      firstFetch();
      return;
    }
    setConn('connecting', 'connecting');
    const es = new EventSource('events');
    live.source = es;
    es.addEventListener('open', function () {
      live.retry = 1000;
      setConn('live', 'live');
    });
    es.addEventListener('report', function (ev) {
      let version = null;
      try {
        const data = JSON.parse(ev.data);
        if (data && (typeof data.version === 'number' || typeof data.version === 'string')) version = data.version;
      } catch (e) {
        version = null;
      }
      setConn('live', 'live');
      const reconnected = live.reconnected;
      live.reconnected = false;
      if (reconnected) bodies.epoch++;  // perhaps another server process: fetch open subjects again
      // After a reconnect the server may be a new process whose versions start again: always re-fetch
      // then (an unchanged report is not re-rendered).
      if (version !== null && !reconnected) {
        if (!live.inflight && live.shown === version) return;        // already on screen
        if (live.inflight && live.announced === version) return;     // already being fetched
      }
      live.announced = version;
      if (!live.started) firstFetch();
      else refresh();
    });
    es.addEventListener('error', function () {
      live.reconnected = true;
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (an HTTP error or a wrong content type): try again, slower each time.
        setConn('off', 'disconnected, retrying');
        es.close();
        const wait = live.retry;
        live.retry = Math.min(live.retry * 2, 30000);
        setTimeout(connect, wait);
      } else {
        setConn('off', 'disconnected, reconnecting');
      }
      firstFetch();
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering

  function buildIndex(doc) {
    const byRef = new Map();
    const groupOf = new Map();
    (doc.subjects || []).forEach(function (s) { if (s && !byRef.has(s.ref)) byRef.set(s.ref, s); });
    (doc.groups || []).forEach(function (g, gi) {
      (g.subjects || []).forEach(function (ref) { if (!groupOf.has(ref)) groupOf.set(ref, gi); });
    });
    return { byRef: byRef, groupOf: groupOf };
  }

  function render(doc) {
    const firstTime = report === null;
    report = doc;
    index = buildIndex(doc);
    renderChrome();
    renderMain(true);
    if (firstTime) revealFromHash();
  }

  /** Header, notes and filter chips. */
  function renderChrome() {
    if (!report) return;
    const src = report.source || {};
    $('source').textContent = clean((src.kind ? src.kind + ': ' : '') + (src.detail || ''), false);
    $('examined').textContent = plural(Number(report.examined) || 0, 'pod');
    $('stuck').textContent = stuckText(report.subjects || []);
    const f = filters();
    document.title = 'podwhy: ' + (report.subjects || []).length + ' stuck' +
      (f.namespace ? ' in ' + clean(f.namespace, false) : '');
    renderNotes(report.notes || []);
    renderFilters(f);
  }

  function stuckText(subjects) {
    let pods = 0, jobs = 0, controllers = 0;
    subjects.forEach(function (s) {
      const kind = s.kind || String(s.ref || '').split('/')[0];
      if (kind === 'Pod') pods++;
      else if (kind === 'Job') jobs++;
      else controllers++;
    });
    const parts = [];
    if (pods) parts.push(plural(pods, 'pod'));
    if (controllers) parts.push(plural(controllers, 'controller') + ' not creating pods');
    if (jobs) parts.push(plural(jobs, 'failed Job'));
    return subjects.length + (parts.length ? ' (' + parts.join(', ') + ')' : '');
  }

  function renderNotes(notes) {
    const box = $('notes');
    box.replaceChildren();
    if (!notes.length) {
      box.hidden = true;
      return;
    }
    box.appendChild(el('h2', 'banner-title', 'Notes'));
    const ul = el('ul', 'notes-list');
    notes.forEach(function (n) { ul.appendChild(el('li', 'note', n)); });
    box.appendChild(ul);
    box.hidden = false;
  }

  function renderFilters(f) {
    const nav = $('filters');
    nav.replaceChildren();
    const active = FILTER_KEYS.filter(function (k) { return f[k]; });
    const row = el('div', 'filter-row');
    row.appendChild(el('span', 'filter-label', active.length ? 'Showing only' : 'Showing everything'));
    if (active.length) {
      const chips = el('ul', 'chips');
      active.forEach(function (k) {
        const chip = button('chip chip-active', [el('span', 'chip-key', k), ' ', el('span', 'chip-value', f[k]),
          el('span', 'chip-x', ' ✕')], function () {
          const next = filters();
          delete next[k];
          setFilters(next);
        }, 'remove filter ' + k + ' ' + f[k]);
        chip.setAttribute('data-filter', k);
        chips.appendChild(el('li', null, chip));
      });
      row.appendChild(chips);
      if (active.length > 1) {
        row.appendChild(button('link-button', 'clear all', function () { setFilters({}); }));
      }
    }
    nav.appendChild(row);

    // Namespaces present: one click narrows to one.
    const counts = new Map();
    (report.subjects || []).forEach(function (s) {
      const ns = s.namespace || '';
      if (ns) counts.set(ns, (counts.get(ns) || 0) + 1);
    });
    if (counts.size > (f.namespace ? 1 : 0)) {
      const facet = el('div', 'filter-row');
      facet.appendChild(el('span', 'filter-label', 'Namespaces'));
      const ul = el('ul', 'chips');
      // The namespaces with most stuck subjects, when there are very many (every subject names its own).
      let names = Array.from(counts.keys());
      const hidden = Math.max(0, names.length - MAX_NAMESPACE_CHIPS);
      if (hidden) {
        names.sort(function (a, b) { return counts.get(b) - counts.get(a) || (a < b ? -1 : 1); });
        names = names.slice(0, MAX_NAMESPACE_CHIPS);
      }
      names.sort().forEach(function (ns) {
        const b = button('chip chip-namespace', [el('span', 'chip-value', ns), ' ', el('span', 'chip-count', String(counts.get(ns)))],
          function () { narrow({ namespace: ns }); }, 'only namespace ' + ns + ' (' + counts.get(ns) + ' stuck)');
        b.setAttribute('data-namespace', ns);
        ul.appendChild(el('li', null, b));
      });
      facet.appendChild(ul);
      if (hidden) facet.appendChild(el('span', 'muted', 'and ' + hidden + ' more (each subject links its namespace)'));
      nav.appendChild(facet);
    }
  }

  function renderMain(keepScroll, stateSynced) {
    const x = window.scrollX, y = window.scrollY;
    if (!stateSynced) syncOpenState();
    const main = $('main');
    const frag = document.createDocumentFragment();
    const groups = report.groups || [];
    const subjects = report.subjects || [];

    if (!subjects.length) {
      frag.appendChild(el('p', 'empty', 'Nothing is stuck' +
        (Object.keys(filters()).length ? ' that matches these filters' : '') + ': ' +
        plural(Number(report.examined) || 0, 'pod') + ' examined.'));
    }

    if (groups.length) {
      const h = el('h2', 'section-title', 'Stuck, by shared root cause ', el('span', 'muted', '(' + plural(groups.length, 'cause') + ')'));
      h.id = 'groups-heading';
      h.tabIndex = -1;
      frag.appendChild(h);
      const list = el('ol', 'groups');
      groups.forEach(function (g, gi) { list.appendChild(el('li', null, groupView(g, gi))); });
      frag.appendChild(list);
    }

    const loose = subjects.filter(function (s) { return !index.groupOf.has(s.ref); });
    if (loose.length) {
      const h2 = el('h2', 'section-title', 'Other stuck subjects');
      if (!groups.length) {
        h2.id = 'groups-heading';
        h2.tabIndex = -1;
      }
      frag.appendChild(h2);
      const ol = el('ol', 'subjects loose');
      loose.forEach(function (s) { ol.appendChild(el('li', null, subjectView(s, true))); });
      frag.appendChild(ol);
    }

    main.replaceChildren(frag);
    if (keepScroll) window.scrollTo(x, y);
  }

  /** A group's severity: the worst of its subjects' root causes (a group is the subjects whose first
   * finding has its code, and a dashboard line carries that finding's code and severity). */
  function worstSeverity(g) {
    let best = null;
    (g.subjects || []).forEach(function (ref) {
      const s = index.byRef.get(ref);
      if (!s || s.code !== g.code || !Object.prototype.hasOwnProperty.call(SEVERITY, s.severity)) return;
      if (best === null || SEVERITY[s.severity].rank < SEVERITY[best].rank) best = s.severity;
    });
    return best;
  }

  /** A <details> whose content is built the first time it opens (data-built="yes" once it is, "loading"
   * while a build that returned a promise runs); `openSet` remembers it open across re-renders. */
  function lazy(det, openSet, key, build) {
    let built = false;
    function ensure() {
      if (built) return;
      built = true;
      const pending = build();
      if (pending && typeof pending.then === 'function') {
        det.setAttribute('data-built', 'loading');
        pending.then(function () { det.setAttribute('data-built', 'yes'); });
      } else {
        det.setAttribute('data-built', 'yes');
      }
    }
    if (openSet.has(key)) {
      det.open = true;
      ensure();
    }
    det.addEventListener('toggle', function () {
      if (det.open) {
        openSet.add(key);
        ensure();
      } else {
        openSet.delete(key);
      }
    });
  }

  /** What is open on screen now (a toggle event may still be queued when an update re-renders). */
  function syncOpenState() {
    document.querySelectorAll('#main details.group-subjects[data-key]').forEach(function (d) {
      if (d.open) ui.openGroups.add(d.getAttribute('data-key'));
      else ui.openGroups.delete(d.getAttribute('data-key'));
    });
    document.querySelectorAll('#main details.subject[data-ref]').forEach(function (d) {
      if (d.open) ui.openSubjects.add(d.getAttribute('data-ref'));
      else ui.openSubjects.delete(d.getAttribute('data-ref'));
    });
  }

  function groupView(g, gi) {
    const key = groupKey(g);
    const refs = g.subjects || [];
    const sev = worstSeverity(g);
    const box = el('section', 'group ' + sevClass(sev));
    box.setAttribute('data-group', String(g.code) + '|' + String(g.key || ''));
    box.setAttribute('data-code', String(g.code));
    box.id = safeId('g-', key);

    const head = el('header', 'group-head');
    if (sev) head.appendChild(sevBadge(sev));
    head.appendChild(el('h3', 'group-code', codeButton(g.code)));
    head.appendChild(el('span', 'count', plural(refs.length, 'subject')));
    if (g.key) head.appendChild(el('span', 'group-key', g.key));
    box.appendChild(head);
    box.appendChild(el('p', 'group-summary', g.summary));
    if (g.fix) box.appendChild(fixView(g.fix, 'Fix for all of them'));

    const det = el('details', 'group-subjects');
    det.appendChild(el('summary', null, refs.length === 1 ? 'Show the subject' : 'Show the ' + refs.length + ' subjects'));
    const list = el('ol', 'subjects');
    det.appendChild(list);
    det.setAttribute('data-key', key);
    lazy(det, ui.openGroups, key, function () { fillSubjects(list, g, gi, key); });
    box.appendChild(det);
    return box;
  }

  function fillSubjects(list, g, gi, key) {
    const refs = g.subjects || [];
    const limit = Math.max(ui.groupLimit.get(key) || SUBJECT_PAGE, SUBJECT_PAGE);
    list.replaceChildren();
    refs.slice(0, limit).forEach(function (ref) {
      const s = index.byRef.get(ref);
      const first = index.groupOf.get(ref) === gi;
      list.appendChild(el('li', null, s ? subjectView(s, first) : el('span', 'missing', ref + ' (not in this report)')));
    });
    if (refs.length > limit) {
      const more = button('more', 'show ' + Math.min(SUBJECT_PAGE, refs.length - limit) + ' more of ' +
        (refs.length - limit) + ' remaining', function () {
        ui.groupLimit.set(key, limit + SUBJECT_PAGE);
        fillSubjects(list, g, gi, key);
      });
      list.appendChild(el('li', 'more-row', more));
    }
  }

  function displayRef(s) {
    const ref = String(s.ref || '');
    return s.kind === 'Pod' || (!s.kind && ref.indexOf('Pod/') === 0) ? ref.slice(ref.indexOf('/') + 1) : ref;
  }

  function codeButton(code) {
    const b = button('code-button', code, function () { narrow({ code: String(code) }); }, 'only ' + code);
    b.setAttribute('data-narrow-code', String(code));
    return b;
  }

  /** One subject of the dashboard: its line as the <summary>; its body fetched when it opens. */
  function subjectView(s, withId) {
    const det = el('details', 'subject');
    const ref = String(s.ref);
    det.setAttribute('data-ref', ref);
    if (withId) det.id = safeId('s-', ref);
    const sum = el('summary', 'subject-head');
    if (s.code) sum.appendChild(sevBadge(s.severity));
    sum.appendChild(el('span', 'subject-ref', displayRef(s)));
    sum.appendChild(el('span', 'state', s.state));
    const owners = s.owners || [];
    if (owners.length) sum.appendChild(el('span', 'owner', owners[owners.length - 1]));
    if (s.code) sum.appendChild(el('span', 'subject-code', s.code));
    if (typeof s.nodes === 'number' && s.nodes > 0 && typeof s.feasible === 'number') {
      sum.appendChild(el('span', 'subject-nodes', s.feasible + '/' + plural(s.nodes, 'node') + ' fit'));
    }
    det.appendChild(sum);
    const body = el('div', 'subject-body');
    det.appendChild(body);
    lazy(det, ui.openSubjects, ref, function () { return showSubject(det, body, s); });
    return det;
  }

  // ---------------------------------------------------------------------------------------------
  // Subject bodies, fetched on demand

  function freshBody(entry) {
    return entry.epoch === bodies.epoch &&
      (typeof live.shown !== 'number' || typeof entry.version !== 'number' || entry.version >= live.shown);
  }

  function remember(ref, entry) {
    const had = bodies.cache.get(ref);
    if (had && had.epoch === entry.epoch && typeof had.version === 'number' && typeof entry.version === 'number' &&
        had.version > entry.version) return;  // an older request answered last: keep the newer body
    bodies.cache.delete(ref);
    bodies.cache.set(ref, entry);
    // Forget the least recently fetched, but never an open subject's body (it is on screen).
    for (const old of bodies.cache.keys()) {
      if (bodies.cache.size <= MAX_CACHED_SUBJECTS) break;
      if (!ui.openSubjects.has(old)) bodies.cache.delete(old);
    }
  }

  /** The subject's body for the version on screen (or newer): a promise of a cache entry. */
  function loadSubject(ref) {
    const version = live.shown;
    const epoch = bodies.epoch;
    const inflight = bodies.pending.get(ref);
    if (inflight && inflight.epoch === epoch && inflight.version === version) return inflight.promise;
    const job = { version: version, epoch: epoch, promise: null };
    job.promise = fetch('api/v1/subject?' + new URLSearchParams({ ref: ref }).toString(), {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'application/json' },
    }).then(function (res) {
      if (res.status === 404) return { version: version, text: null };  // not stuck in the server's report now
      if (!res.ok) throw new Error('could not load this subject: ' + httpWhy(res.status));
      const v = versionOf(res, version);
      return res.text().then(function (text) { return { version: v, text: text }; });
    }).then(function (got) {
      let doc = null;
      if (got.text !== null) {
        doc = JSON.parse(got.text);
        if (!doc || typeof doc !== 'object' || doc.ref !== ref) {
          throw new Error('could not load this subject: the server sent something else');
        }
      }
      const entry = { version: got.version, epoch: epoch, text: got.text, doc: doc };
      if (epoch === bodies.epoch) remember(ref, entry);
      return entry;
    });
    bodies.pending.set(ref, job);
    function done() { if (bodies.pending.get(ref) === job) bodies.pending.delete(ref); }
    job.promise.then(done, done);
    return job.promise;
  }

  /** Fill an open subject's body: at once from a fresh cached body, else "loading…" (or the stale body,
   * marked "updating…") until the fetch answers. Returns a promise when it fetches. */
  function showSubject(det, body, line) {
    const ref = String(line.ref);
    const cached = bodies.cache.get(ref);
    const shownText = cached && cached.doc ? cached.text : null;
    if (cached) fillBody(body, line, cached);
    if (cached && freshBody(cached)) return null;
    const note = el('p', 'subject-loading', shownText === null ? 'loading…' : 'updating…');
    note.setAttribute('role', 'status');
    if (shownText === null) body.replaceChildren(note);
    else body.insertBefore(note, body.firstChild);
    det.setAttribute('data-load', 'loading');
    return loadSubject(ref).then(function (entry) {
      if (entry.text !== shownText || entry.doc === null) fillBody(body, line, entry);
      else note.remove();  // the same body as shown: keep it (and what the reader scrolled or selected)
      det.setAttribute('data-load', entry.doc === null ? 'gone' : 'ready');
    }, function (err) {
      det.setAttribute('data-load', 'error');
      const retry = button('link-button', 'try again', function () {
        const again = showSubject(det, body, line);
        if (again) {
          det.setAttribute('data-built', 'loading');
          again.then(function () { det.setAttribute('data-built', 'yes'); });
        }
      });
      body.replaceChildren(el('p', 'subject-error', err && err.message ? err.message : String(err), ' ', retry));
    });
  }

  function fillBody(body, line, entry) {
    body.replaceChildren();
    if (entry.doc === null) {
      body.appendChild(el('p', 'subject-gone', displayRef(line) + ' is no longer stuck: it is not in the current ' +
        'report (fixed or deleted since this list was loaded). The list updates by itself.'));
    } else {
      fillSubject(body, entry.doc);
    }
  }

  function fillSubject(body, s) {
    const meta = el('dl', 'subject-meta');
    function row(term, value) {
      meta.appendChild(el('div', null, el('dt', null, term), el('dd', null, value)));
    }
    row('Subject', el('span', 'mono', s.ref));
    if (s.summary) row('Why stuck', el('span', 'mono', s.summary));
    if (s.namespace) {
      const ns = String(s.namespace);
      const b = button('chip chip-namespace', ns, function () { narrow({ namespace: ns }); }, 'only namespace ' + ns);
      b.setAttribute('data-namespace', ns);
      row('Namespace', b);
    }
    const owners = s.owners || [];
    if (owners.length) {
      const top = String(owners[owners.length - 1]);
      const parts = top.split('/');
      const items = [owners.join(' ← ')];
      if (parts.length === 3) {
        items.push(' ', button('link-button', 'only this ' + parts[0], function () {
          narrow({ namespace: parts[1], owner: parts[0] + '/' + parts[2] });
        }, 'only ' + top));
      }
      row('Owned by', items);
    }
    body.appendChild(meta);

    const findings = s.findings || [];
    if (findings.length) {
      const ol = el('ol', 'findings');
      findings.forEach(function (f) { ol.appendChild(findingView(f)); });
      body.appendChild(ol);
    }
    if (s.scheduling) body.appendChild(schedulingView(s));
  }

  function findingView(f) {
    const li = el('li', 'finding ' + sevClass(f.severity));
    li.setAttribute('data-code', String(f.code));
    const head = el('div', 'finding-head', sevBadge(f.severity), ' ', codeButton(f.code), ' ',
      el('span', 'confidence', '[' + clean(f.confidence, false) + ']'));
    if (f.container) head.appendChild(el('span', 'container', 'container ', el('span', 'mono', f.container)));
    li.appendChild(head);
    li.appendChild(el('p', 'cause', f.cause));
    const evidence = f.evidence || [];
    if (evidence.length) {
      const ul = el('ul', 'evidence');
      ul.setAttribute('aria-label', 'evidence');
      evidence.forEach(function (e) { ul.appendChild(evidenceView(e)); });
      li.appendChild(ul);
    }
    if (f.fix) li.appendChild(fixView(f.fix, 'Fix'));
    return li;
  }

  function evidenceView(e) {
    const li = el('li', 'ev');
    const where = el('div', 'ev-where', el('span', 'ev-ref', e.ref));
    if (e.field) where.appendChild(el('span', 'ev-field', e.field));
    li.appendChild(where);
    if (e.observed !== undefined && e.observed !== null && e.observed !== '') {
      const text = String(e.observed).replace(/^\n+|\n+$/g, '');
      if (/[\r\n]/.test(text)) {
        li.appendChild(pre('ev-observed multiline', text));
      } else {
        li.appendChild(el('blockquote', 'ev-observed', text));
      }
    }
    if (e.expected !== undefined && e.expected !== null && e.expected !== '') {
      li.appendChild(el('div', 'ev-expected', el('span', 'label', 'expected: '), el('span', 'mono', e.expected)));
    }
    return li;
  }

  function fixView(fix, title) {
    const box = el('div', 'fix');
    box.appendChild(el('p', 'fix-summary', el('strong', 'fix-label', title + ': '), fix.summary));
    (fix.commands || []).forEach(function (c) { box.appendChild(copyable('command', c)); });
    const patches = fix.patches || [];
    if (patches.length) {
      box.appendChild(el('p', 'patch-label', patches.length === 1 ? 'Patch (printed, not applied):' : 'Patches (printed, not applied):'));
      patches.forEach(function (p) { box.appendChild(copyable('patch', p)); });
    }
    return box;
  }

  /** A <pre> with a copy button; what is copied is the text shown (escapes included, never raw control bytes). */
  function copyable(kind, text) {
    const wrap = el('div', 'copyable ' + kind);
    const p = el('pre', kind === 'command' ? 'cmd' : 'patch-text');
    const code = el('code');
    code.appendChild(document.createTextNode(clean(kind === 'command' ? text : String(text).replace(/\n+$/, ''), kind !== 'command')));
    p.appendChild(code);
    wrap.appendChild(p);
    const b = button('copy', 'copy', function () { copyText(code, b); }, kind === 'command' ? 'copy command' : 'copy patch');
    wrap.appendChild(b);
    return wrap;
  }

  function copyText(node, btn) {
    const text = node.textContent;
    function done(ok) {
      btn.textContent = ok ? 'copied' : 'select and copy';
      setTimeout(function () { btn.textContent = 'copy'; }, 1500);
    }
    function fallback() {
      const range = document.createRange();
      range.selectNodeContents(node);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      let ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      done(ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  }

  function schedulingView(s) {
    const sc = s.scheduling;
    const box = el('section', 'scheduling');
    box.appendChild(el('h4', null, 'Scheduling (recomputed by podwhy)'));
    if (sc.message) box.appendChild(el('p', 'sched-message mono', sc.message));
    if (sc.observedMessage) {
      box.appendChild(el('p', 'sched-observed', el('span', 'label', 'The scheduler said: '), el('span', 'mono', sc.observedMessage)));
    }
    if (sc.agrees === true || sc.agrees === false) {
      box.appendChild(el('p', 'sched-agrees ' + (sc.agrees ? 'agrees' : 'disagrees'),
        el('span', 'label', 'Agrees with the scheduler: '), sc.agrees ? 'yes' : 'no'));
    }
    if (sc.disagreement) box.appendChild(el('p', 'sched-disagreement', el('span', 'label', 'Note: '), sc.disagreement));
    const hist = sc.observedHistogram;
    if (hist && typeof hist === 'object' && Object.keys(hist).length) {
      const ul = el('ul', 'histogram');
      ul.setAttribute('aria-label', "the scheduler's reasons, by node count");
      Object.keys(hist).forEach(function (reason) {
        ul.appendChild(el('li', null, el('span', 'hist-count', String(hist[reason])), ' ', reason));
      });
      box.appendChild(ul);
    }
    if (sc.sameNodesAs) {
      const target = String(sc.sameNodesAs);
      const a = el('a', 'same-nodes', displayRefString(target));
      a.setAttribute('href', '#' + safeId('s-', sc.sameNodesAs));
      const para = el('p', 'sched-same', 'Node verdicts: same nodes as ', a);
      box.appendChild(para);
      a.addEventListener('click', function (ev) {
        if (index && index.byRef.has(target)) {
          // The fragment opens the target (which fetches its body); again on a second click.
          if (decodeURIComponent(location.hash) === a.getAttribute('href')) {
            ev.preventDefault();
            revealRef(target);
          }
          return;
        }
        // Not on this page (the filters leave it out): fetch it and show its node table here.
        ev.preventDefault();
        sameNodesHere(box, para, target);
      });
    }
    if (Array.isArray(sc.nodes)) box.appendChild(nodeTable(s, sc.nodes));
    return box;
  }

  function sameNodesHere(box, after, target) {
    const old = box.querySelector('.same-nodes-here');
    if (old) old.remove();
    const holder = el('div', 'same-nodes-here', el('p', 'subject-loading', 'loading…'));
    box.insertBefore(holder, after.nextSibling);
    loadSubject(target).then(function (entry) {
      const sc = entry.doc && entry.doc.scheduling;
      if (entry.doc === null) {
        holder.replaceChildren(el('p', 'subject-gone', displayRefString(target) + ' is no longer stuck; its node ' +
          'verdicts are not in the current report.'));
      } else if (sc && Array.isArray(sc.nodes)) {
        holder.replaceChildren(el('p', 'muted', 'The node table of ' + displayRefString(target) + ':'),
          nodeTable(entry.doc, sc.nodes));
      } else {
        holder.replaceChildren(el('p', 'muted', displayRefString(target) + ' has no node table now.'));
      }
    }, function (err) {
      holder.replaceChildren(el('p', 'subject-error', err && err.message ? err.message : String(err)));
    });
  }

  function displayRefString(ref) {
    const s = String(ref);
    return s.indexOf('Pod/') === 0 ? s.slice(4) : s;
  }

  function nodeTable(s, nodes) {
    const wrap = el('div', 'nodes');
    if (!nodes.length) {
      wrap.appendChild(el('p', 'muted', 'The cluster has no nodes.'));
      return wrap;
    }
    const feasible = nodes.filter(function (n) { return n && n.feasible; }).length;
    const table = el('table', 'node-table');
    table.appendChild(el('caption', null, plural(nodes.length, 'node') + ', ' + feasible + ' feasible'));
    const th = function (t) { const c = el('th', null, t); c.setAttribute('scope', 'col'); return c; };
    table.appendChild(el('thead', null, el('tr', null, th('Node'), th('Feasible'), th('Why not'))));
    const tbody = el('tbody');
    table.appendChild(tbody);
    const showAll = ui.allNodes.has(s.ref);
    function fill(all) {
      tbody.replaceChildren();
      (all ? nodes : nodes.slice(0, NODE_ROWS)).forEach(function (n) { tbody.appendChild(nodeRow(n)); });
    }
    fill(showAll);
    wrap.appendChild(table);
    if (nodes.length > NODE_ROWS && !showAll) {
      const more = button('more', 'show all ' + nodes.length + ' nodes', function () {
        ui.allNodes.add(s.ref);
        fill(true);
        more.remove();
      });
      wrap.appendChild(more);
    }
    return wrap;
  }

  function nodeRow(n) {
    const tr = el('tr', n.feasible ? 'feasible' : 'infeasible');
    tr.setAttribute('data-node', String(n.name));
    const name = el('th', 'node-name mono', n.name);
    name.setAttribute('scope', 'row');
    tr.appendChild(name);
    tr.appendChild(el('td', 'node-feasible', n.feasible ? '✓ yes' : '✗ no'));
    const cell = el('td', 'node-failures');
    const failures = n.failures || [];
    if (!failures.length) {
      cell.appendChild(el('span', 'muted', n.feasible ? 'fits' : ''));
    } else {
      const ul = el('ul', 'failures');
      failures.forEach(function (fl) {
        const li = el('li', 'failure', el('span', 'plugin', fl.plugin), ': ', (fl.reasons || []).join('; '));
        const d = detailText(fl.detail);
        if (d) li.appendChild(el('span', 'failure-detail', ' (' + d + ')'));
        ul.appendChild(li);
      });
      cell.appendChild(ul);
    }
    tr.appendChild(cell);
    return tr;
  }

  function detailText(detail) {
    if (!detail || typeof detail !== 'object') return '';
    if (typeof detail.summary === 'string') return detail.summary;
    return Object.keys(detail).map(function (k) {
      const v = detail[k];
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        return k + ': ' + Object.keys(v).map(function (a) { return a + '=' + v[a]; }).join(', ');
      }
      return k + '=' + v;
    }).join('; ');
  }

  // ---------------------------------------------------------------------------------------------
  // In-page links to subjects (#s-...): open the subject's group and the subject, then go there.

  function revealFromHash() {
    if (!report || !location.hash || location.hash.indexOf('#s-') !== 0) return;
    const id = decodeURIComponent(location.hash.slice(1));
    let ref = null;
    index.byRef.forEach(function (_s, r) { if (ref === null && safeId('s-', r) === id) ref = r; });
    if (ref !== null) revealRef(ref);
  }

  function revealRef(ref) {
    const id = safeId('s-', ref);
    syncOpenState();
    const gi = index.groupOf.get(ref);
    if (gi !== undefined) {
      const g = report.groups[gi];
      const key = groupKey(g);
      ui.openGroups.add(key);
      const pos = (g.subjects || []).indexOf(ref);
      if (pos >= (ui.groupLimit.get(key) || SUBJECT_PAGE)) ui.groupLimit.set(key, pos + 1);
    }
    ui.openSubjects.add(ref);
    renderMain(false, true);
    const target = document.getElementById(id);
    if (target) {
      target.scrollIntoView({ block: 'start' });
      const sum = target.querySelector('summary');
      if (sum) sum.focus();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Start

  // A token in the address bar is the server's business (it answers with a cookie and a redirect);
  // never keep one in the history or pass it on.
  if (new URLSearchParams(location.search).has('token')) {
    history.replaceState(null, '', location.pathname + filterQuery(filters()) + location.hash);
  }

  window.addEventListener('popstate', function () { refresh(); });
  window.addEventListener('hashchange', revealFromHash);
  connect();
  // Without an event within a second (a proxy that buffers /events), load the report anyway.
  live.firstFetchTimer = setTimeout(firstFetch, 1000);
})();
