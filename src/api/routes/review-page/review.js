// The review page's script: vanilla JavaScript, no dependencies, inlined into the page under a per-response CSP nonce.
// Document content only ever reaches the DOM through text nodes (the CSP also demands Trusted Types for any HTML sink).
/* global document, window, sessionStorage, HTMLElement, FileReader */
'use strict';

(() => {
  const TOKEN_KEY = 'docket.review.token';
  const NAME_KEY = 'docket.review.name';
  const REFRESH_MS = 15_000;
  const QUEUE_PATH = '/v1/reviews?limit=100';
  const CLOCK_MS = 30_000;
  const REASONS = {
    low_confidence: 'Model unsure',
    invalid_output: 'Unusable model output',
    input_too_long: 'Too long for the model',
    content_filtered: 'Refused / filtered',
    // A confident result already stored, drawn for a check (DOCKET_AUDIT_RATE): the document is completed.
    audit: 'Audit: a confident result, already stored',
    unreadable: 'Unreadable file',
  };
  const UNREADABLE = {
    encrypted: 'it is password-protected',
    corrupt: 'it is damaged',
    empty: 'it holds no text',
    unsupported: 'its type is not supported',
    no_vision_model: 'only images hold it and no vision model is configured',
  };
  /** Page images shown at most per document: enough to decide, without fetching a whole long scan. */
  const MAX_PREVIEW_PAGES = 10;
  const threshold = Number(document.body.dataset.threshold);

  const state = {
    token: sessionStorage.getItem(TOKEN_KEY) ?? '',
    name: sessionStorage.getItem(NAME_KEY) ?? '',
    /** @type {Array<{id: string, title: string, excerpt: string, textLength: number, taxonomy: string, categories: string[], reason: string, suggestion?: {category: string, confidence: number, reasoning: string}, since: string, workflowUrl: string}>} */
    items: [],
    /** Documents waiting, all pages together (the page shows the oldest QUEUE_LIMIT). */
    total: 0,
    /** Whole texts fetched when a document is opened (the queue sends excerpts), by id. */
    texts: new Map(),
    selectedId: '',
    /** The item the detail pane shows; it is rebuilt only when the selection changes, so a note being typed survives refreshes. */
    shownId: '',
    /** Notes typed per document, kept while moving between documents. */
    drafts: new Map(),
    loaded: false,
    /** @type {Date | undefined} */
    lastRefresh: undefined,
    loading: false,
    busy: false,
  };

  const el = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const ui = {
    session: el('session'),
    count: el('queue-count'),
    refreshed: el('refreshed'),
    refresh: el('refresh'),
    who: el('who'),
    signOut: el('sign-out'),
    signin: el('signin'),
    form: el('signin-form'),
    tokenInput: /** @type {HTMLInputElement} */ (el('token')),
    signinError: el('signin-error'),
    signinSubmit: /** @type {HTMLButtonElement} */ (el('signin-submit')),
    queue: el('queue'),
    list: el('list'),
    detail: el('detail'),
    empty: el('empty'),
    loading: el('loading'),
    toast: el('toast'),
  };

  /**
   * Creates an element. Props become attributes (or the `className`); children are nodes or strings, and strings
   * become text nodes, so no content is ever parsed as HTML.
   */
  function h(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props ?? {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'className') node.className = String(value);
      else if (key.startsWith('on') || key === 'style') throw new Error(`h(): ${key} is not allowed; use listeners`);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(
        typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child,
      );
    }
    return node;
  }

  const reasonText = (reason) => REASONS[reason] ?? reason.replaceAll('_', ' ');
  const percent = (x) => `${Math.round(x * 100)}%`;
  /** Only http(s) links are followed; anything else (javascript:, data:) is dropped. */
  const safeUrl = (url) => {
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
    } catch {
      return undefined;
    }
  };

  function waited(since) {
    const ms = Date.now() - Date.parse(since);
    if (!Number.isFinite(ms)) return 'unknown';
    const minutes = Math.floor(ms / 60_000);
    if (minutes < 1) return 'under a minute';
    if (minutes < 60) return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    if (hours < 24) return `${hours} h ${minutes % 60} min`;
    const days = Math.floor(hours / 24);
    return `${days} d ${hours % 24} h`;
  }

  /** A span that keeps saying how long ago `since` was (updated by the clock). */
  const waitedSpan = (since, prefix) =>
    h(
      'span',
      { 'data-since': since, 'data-prefix': prefix, title: new Date(since).toLocaleString() },
      `${prefix}${waited(since)}`,
    );

  function tickClock() {
    for (const node of document.querySelectorAll('[data-since]')) {
      node.textContent = `${node.getAttribute('data-prefix') ?? ''}${waited(node.getAttribute('data-since') ?? '')}`;
    }
    if (state.lastRefresh) ui.refreshed.textContent = `updated ${state.lastRefresh.toLocaleTimeString()}`;
  }

  let toastTimer;
  function toast(message, kind = 'ok') {
    clearTimeout(toastTimer);
    ui.toast.className = `toast ${kind}`;
    ui.toast.textContent = message;
    ui.toast.hidden = false;
    toastTimer = setTimeout(() => (ui.toast.hidden = true), kind === 'ok' ? 4000 : 7000);
  }

  // ---- API -------------------------------------------------------------------------------------------------

  function api(path, init = {}) {
    return fetch(path, {
      ...init,
      cache: 'no-store',
      credentials: 'omit',
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${state.token}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
    });
  }

  async function errorMessage(res) {
    try {
      const body = await res.json();
      return body?.error?.message ?? `HTTP ${res.status}`;
    } catch {
      return `HTTP ${res.status}`;
    }
  }

  /** Words for a rejected token, from the status and the server's message. */
  function authProblem(status, message) {
    if (status === 401) return `That token is not valid (401). Check it, or ask an admin for a reviewer token.`;
    return `This token may not review documents (403): ${message}. Use a token with the reviewer or admin role.`;
  }

  // ---- Session -------------------------------------------------------------------------------------------

  /** Shows the sign-in form; `keepInput` leaves a rejected token in the field so a typo can be fixed. */
  function showSignIn(message, { keepInput = false } = {}) {
    state.token = '';
    state.items = [];
    state.loaded = false;
    state.selectedId = '';
    state.shownId = '';
    sessionStorage.removeItem(TOKEN_KEY);
    ui.session.hidden = true;
    ui.queue.hidden = true;
    ui.empty.hidden = true;
    ui.loading.hidden = true;
    ui.signin.hidden = false;
    ui.detail.replaceChildren();
    ui.list.replaceChildren();
    document.title = 'Review queue · Docket';
    ui.signinError.hidden = !message;
    ui.signinError.textContent = message ?? '';
    if (!keepInput) ui.tokenInput.value = '';
    ui.tokenInput.setAttribute('aria-invalid', message ? 'true' : 'false');
    ui.tokenInput.focus();
    if (keepInput) ui.tokenInput.select();
  }

  function showSession() {
    ui.signin.hidden = true;
    ui.session.hidden = false;
    ui.who.textContent = state.name ? `Signed in as ${state.name}` : 'Signed in';
  }

  async function signIn(event) {
    event.preventDefault();
    const token = ui.tokenInput.value.trim();
    if (!token) {
      ui.signinError.textContent = 'Paste your reviewer token first.';
      ui.signinError.hidden = false;
      ui.tokenInput.focus();
      return;
    }
    ui.signinSubmit.disabled = true;
    ui.signinError.hidden = true;
    state.token = token;
    try {
      const res = await api(QUEUE_PATH);
      if (res.status === 401 || res.status === 403) {
        showSignIn(authProblem(res.status, await errorMessage(res)), { keepInput: true });
        return;
      }
      if (!res.ok) throw new Error(await errorMessage(res));
      // A codec session (an HttpOnly cookie) lets the Temporal Web UI decrypt this reviewer's workflows through the API.
      await fetch('/codec/session', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(
        () => undefined,
      );
      sessionStorage.setItem(TOKEN_KEY, token);
      const body = await res.json();
      setName(body.reviewer?.name ?? '');
      showSession();
      applyQueue(body);
      document.getElementById('main')?.focus();
    } catch (err) {
      state.token = '';
      ui.signinError.textContent = `Could not sign in: ${err instanceof Error ? err.message : String(err)}`;
      ui.signinError.hidden = false;
    } finally {
      ui.signinSubmit.disabled = false;
    }
  }

  function signOut() {
    void fetch('/codec/session', { method: 'DELETE' }).catch(() => undefined);
    setName('');
    state.drafts.clear();
    state.texts.clear();
    showSignIn();
  }

  // ---- Queue ---------------------------------------------------------------------------------------------

  async function refresh({ announce = false } = {}) {
    if (!state.token || state.loading || state.busy) return;
    state.loading = true;
    ui.refresh.setAttribute('aria-busy', 'true');
    if (!state.loaded) ui.loading.hidden = false;
    try {
      const res = await api(QUEUE_PATH);
      if (res.status === 401 || res.status === 403) {
        showSignIn(authProblem(res.status, await errorMessage(res)));
        return;
      }
      if (!res.ok) throw new Error(await errorMessage(res));
      const body = await res.json();
      if (body.reviewer?.name && body.reviewer.name !== state.name) setName(body.reviewer.name);
      applyQueue(body);
      if (announce) toast(`Queue refreshed: ${state.items.length} waiting`);
    } catch (err) {
      ui.refreshed.textContent = 'offline: retrying';
      if (announce || !state.loaded) {
        toast(`Could not load the queue: ${err instanceof Error ? err.message : String(err)}`, 'error');
      }
    } finally {
      state.loading = false;
      ui.loading.hidden = true;
      ui.refresh.removeAttribute('aria-busy');
    }
  }

  /** Who is signed in: the token's name, as the API tells it. */
  function setName(name) {
    state.name = name;
    if (name) sessionStorage.setItem(NAME_KEY, name);
    else sessionStorage.removeItem(NAME_KEY);
    ui.who.textContent = name ? `Signed in as ${name}` : 'Signed in';
  }

  function applyQueue(body) {
    const previous = state.items.map((i) => i.id);
    const index = previous.indexOf(state.selectedId);
    const items = body?.reviews;
    state.items = Array.isArray(items) ? items : [];
    state.total = Number.isInteger(body?.total) ? body.total : state.items.length;
    state.loaded = true;
    state.lastRefresh = new Date();
    if (!state.items.some((i) => i.id === state.selectedId)) {
      // The selected document left the queue (decided elsewhere): select its neighbour.
      const next = state.items[Math.min(Math.max(index, 0), state.items.length - 1)];
      state.selectedId = next?.id ?? '';
    }
    for (const id of state.drafts.keys()) if (!state.items.some((i) => i.id === id)) state.drafts.delete(id);
    for (const id of state.texts.keys()) if (!state.items.some((i) => i.id === id)) state.texts.delete(id);
    render();
  }

  function removeItem(id) {
    const index = state.items.findIndex((i) => i.id === id);
    if (index < 0) return;
    state.items.splice(index, 1);
    state.total = Math.max(state.total - 1, state.items.length);
    state.drafts.delete(id);
    state.texts.delete(id);
    if (state.selectedId === id) state.selectedId = state.items[Math.min(index, state.items.length - 1)]?.id ?? '';
    render();
  }

  const selected = () => state.items.find((i) => i.id === state.selectedId);

  function select(id, { focusList = false } = {}) {
    if (!state.items.some((i) => i.id === id)) return;
    state.selectedId = id;
    render();
    if (focusList) document.getElementById(itemDomId(id))?.focus();
  }

  function move(delta) {
    if (state.items.length === 0) return;
    const index = state.items.findIndex((i) => i.id === state.selectedId);
    const next = state.items[Math.min(Math.max(index + delta, 0), state.items.length - 1)];
    if (next && next.id !== state.selectedId) {
      const listFocused = document.activeElement?.closest?.('#list');
      select(next.id, { focusList: Boolean(listFocused) });
      document.getElementById(itemDomId(next.id))?.scrollIntoView({ block: 'nearest' });
    }
  }

  const itemDomId = (id) => `item-${Array.from(id, (c) => c.charCodeAt(0).toString(16)).join('')}`;

  function render() {
    const n = state.items.length;
    ui.count.textContent = state.total > n ? `${state.total} waiting (oldest ${n} shown)` : `${n} waiting`;
    document.title = n > 0 ? `(${n}) Review queue · Docket` : 'Review queue · Docket';
    tickClock();
    ui.queue.hidden = n === 0;
    ui.empty.hidden = n > 0 || !state.loaded;
    renderList();
    if (state.selectedId !== state.shownId) renderDetail();
  }

  function renderList() {
    const focusedId = document.activeElement?.closest?.('#list') ? state.selectedId : undefined;
    ui.list.replaceChildren(
      ...state.items.map((item) => {
        const current = item.id === state.selectedId;
        const button = h(
          'button',
          { type: 'button', className: 'item', id: itemDomId(item.id), 'aria-current': current ? 'true' : undefined },
          h('span', { className: 'item-id', title: item.id }, item.title ?? item.id),
          h(
            'span',
            { className: 'item-line' },
            h('span', { className: `badge reason-${item.reason}` }, reasonText(item.reason)),
            item.suggestion ? `${item.suggestion.category} · ${percent(item.suggestion.confidence)}` : 'no suggestion',
          ),
          h('span', { className: 'item-excerpt' }, item.excerpt.slice(0, 160)),
          h('span', { className: 'item-line' }, waitedSpan(item.since, 'waiting ')),
        );
        button.addEventListener('click', () => select(item.id));
        return h('li', null, button);
      }),
    );
    if (focusedId) document.getElementById(itemDomId(focusedId))?.focus();
  }

  function renderDetail() {
    const item = selected();
    state.shownId = item?.id ?? '';
    if (!item) {
      ui.detail.replaceChildren();
      return;
    }
    const keyed = item.categories.slice(0, 9);
    const link = safeUrl(item.workflowUrl);

    const head = h(
      'header',
      { className: 'detail-head card' },
      h(
        'div',
        null,
        h('h2', { id: 'doc-title' }, item.title ?? item.id),
        item.title && item.title !== item.id ? h('p', { className: 'muted doc-id' }, item.id) : null,
        h(
          'div',
          { className: 'meta' },
          h('span', { className: `badge reason-${item.reason}`, title: item.reason }, reasonText(item.reason)),
          h('span', null, `taxonomy ${item.taxonomy}`),
          waitedSpan(item.since, 'waiting '),
        ),
      ),
      link
        ? h(
            'a',
            { className: 'btn', href: link, target: '_blank', rel: 'noopener noreferrer' },
            'Open in Temporal Web UI',
            h('span', { 'aria-hidden': 'true' }, ' ↗'),
          )
        : null,
    );

    const whole = state.texts.get(item.id);
    // An unreadable file has no text: the file panel shows its pages instead.
    const noText = item.textLength === 0 && item.reason === 'unreadable';
    const pre = h(
      'pre',
      { className: noText ? 'doc-text muted' : 'doc-text', tabindex: '0', 'aria-labelledby': 'doc-text-title' },
      noText
        ? 'No text could be read from this file: decide from its pages and the original.'
        : (whole ?? item.excerpt),
    );
    const size = h(
      'p',
      { className: 'doc-size muted' },
      `${item.textLength.toLocaleString()} characters${whole === undefined && item.textLength > item.excerpt.length ? ' (loading the rest…)' : ''}`,
    );
    const text = h(
      'section',
      { className: 'panel card', 'aria-labelledby': 'doc-text-title' },
      h('h3', { id: 'doc-text-title' }, 'Document'),
      pre,
      size,
    );
    if (whole === undefined && item.textLength > item.excerpt.length) void loadText(item.id, pre, size);

    // Filled in once the document's view says it came as a file: its name, how it was read, its page images.
    const file = h('section', {
      className: 'panel card file-panel',
      'aria-labelledby': 'doc-file-title',
      hidden: true,
    });
    void loadFile(item.id, file);

    const side = h('div', { className: 'side' }, suggestionPanel(item), decisionPanel(item, keyed));
    ui.detail.replaceChildren(
      head,
      h('div', { className: 'detail-body' }, h('div', { className: 'doc-col' }, file, text), side),
    );
  }

  /** A file document's panel, from `GET /v1/documents/:id`; a text document (or a failed fetch) keeps it hidden. */
  async function loadFile(id, panel) {
    try {
      const res = await api(`/v1/documents/${encodeURIComponent(id)}`);
      if (!res.ok) return;
      const doc = await res.json();
      if (doc?.file && state.shownId === id) renderFile(id, panel, doc.file, doc.extraction);
    } catch {
      // The text panel still shows what there is; the file is one reload away.
    }
  }

  function renderFile(id, panel, file, extraction) {
    const reason = extraction?.outcome === 'unreadable' ? extraction.unreadableReason : undefined;
    const facts = [
      file.mediaType,
      sizeText(file.bytes),
      extraction?.method && !reason ? `read as ${extraction.method}` : undefined,
      extraction?.extractor ? `by ${extraction.extractor}` : undefined,
      extraction?.pages ? `${extraction.pages} page${extraction.pages === 1 ? '' : 's'}` : undefined,
    ].filter(Boolean);
    const pages = h('div', { className: 'pages', role: 'group', 'aria-label': 'Page images' });
    const download = h('button', { type: 'button', className: 'btn', id: 'download-file' }, 'Download the original');
    download.addEventListener('click', () => void downloadFile(id, file.name ?? id));
    panel.replaceChildren(
      h('h3', { id: 'doc-file-title' }, 'File'),
      h('p', { className: 'file-name', id: 'file-name' }, file.name ?? 'unnamed file'),
      h('p', { className: 'muted file-facts', id: 'file-facts' }, facts.join(' · ')),
      reason
        ? h(
            'p',
            { className: 'file-unreadable', id: 'file-unreadable' },
            `Its text cannot be read: ${UNREADABLE[reason] ?? reason}.`,
          )
        : null,
      pages,
      download,
    );
    panel.hidden = false;
    const count = Math.min(extraction?.images ?? 0, MAX_PREVIEW_PAGES);
    for (let n = 1; n <= count; n++) {
      const img = h('img', { className: 'page-image', alt: `Page image ${n} of ${file.name ?? id}`, 'data-page': n });
      pages.append(img);
      void loadPage(id, n, img);
    }
  }

  const sizeText = (bytes) =>
    bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.max(1, Math.round(bytes / 1024))} KiB`;

  /** Page images need the bearer token, so they come through fetch and are shown as data: URLs (the CSP allows those). */
  async function loadPage(id, n, img) {
    try {
      const res = await api(`/v1/documents/${encodeURIComponent(id)}/pages/${n}`);
      if (!res.ok) throw new Error(await errorMessage(res));
      const blob = await res.blob();
      if (!/^image\/(png|jpeg)$/.test(blob.type)) throw new Error(`not an image (${blob.type})`);
      img.src = await dataUrl(blob);
    } catch (err) {
      img.alt = `Page image ${n} could not be loaded: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  function dataUrl(blob) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.addEventListener('load', () => resolve(String(reader.result)));
      reader.addEventListener('error', () => reject(reader.error));
      reader.readAsDataURL(blob);
    });
  }

  /** The original file, fetched with the token and handed to the browser as a download. */
  async function downloadFile(id, name) {
    try {
      const res = await api(`/v1/documents/${encodeURIComponent(id)}/file`);
      if (!res.ok) throw new Error(await errorMessage(res));
      const url = URL.createObjectURL(await res.blob());
      h('a', { href: url, download: name }).click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      toast(`Could not download the file: ${err instanceof Error ? err.message : String(err)}`, 'error');
    }
  }

  /** The queue sends excerpts: the whole text is fetched when a document is opened, once. */
  async function loadText(id, pre, size) {
    try {
      const res = await api(`/v1/documents/${encodeURIComponent(id)}/text`);
      if (!res.ok) throw new Error(await errorMessage(res));
      const body = await res.json();
      state.texts.set(id, body.text);
      if (state.shownId !== id) return;
      pre.textContent = body.text;
      size.textContent = `${body.text.length.toLocaleString()} characters`;
    } catch (err) {
      if (state.shownId === id) {
        size.textContent = `Only the first part is shown: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
  }

  function suggestionPanel(item) {
    const s = item.suggestion;
    if (!s) {
      return h(
        'section',
        { className: 'panel card', 'aria-labelledby': 'suggestion-title' },
        h('h3', { id: 'suggestion-title' }, 'Model suggestion'),
        h(
          'p',
          { className: 'muted reasoning' },
          item.reason === 'unreadable'
            ? 'No suggestion: the model could not read this file. Decide from its pages or the original.'
            : 'No usable suggestion: decide from the text.',
        ),
      );
    }
    const value = Math.min(Math.max(s.confidence, 0), 1);
    const fill = h('div', { className: value < threshold ? 'bar-fill low' : 'bar-fill' });
    fill.style.width = `${value * 100}%`;
    const bar = h(
      'div',
      { className: 'bar', role: 'img', 'aria-label': `Confidence ${percent(value)}` },
      fill,
      Number.isFinite(threshold) ? tick() : null,
    );
    function tick() {
      const node = h('div', { className: 'bar-tick', title: `Review threshold ${percent(threshold)}` });
      node.style.left = `calc(${threshold * 100}% - 1px)`;
      return node;
    }
    return h(
      'section',
      { className: 'panel card', 'aria-labelledby': 'suggestion-title' },
      h('h3', { id: 'suggestion-title' }, 'Model suggestion'),
      h('div', { className: 'suggestion-category', id: 'suggested-category' }, s.category),
      h(
        'div',
        { className: 'confidence' },
        bar,
        h('span', { className: 'confidence-value', 'aria-hidden': 'true' }, percent(value)),
      ),
      h('p', { className: 'reasoning' }, s.reasoning),
    );
  }

  function decisionPanel(item, keyed) {
    const note = h('textarea', {
      id: 'note',
      rows: '2',
      maxlength: '4000',
      placeholder: 'Why this category? Stored with the decision.',
    });
    note.value = state.drafts.get(item.id) ?? '';
    note.addEventListener('input', () => state.drafts.set(item.id, note.value));

    const buttons = item.categories.map((category, i) => {
      const suggested = item.suggestion?.category === category;
      const button = h(
        'button',
        {
          type: 'button',
          className: suggested ? 'btn cat suggested' : 'btn cat',
          'data-category': category,
          'aria-keyshortcuts': i < keyed.length ? String(i + 1) : undefined,
        },
        i < keyed.length ? h('kbd', { 'aria-hidden': 'true' }, String(i + 1)) : null,
        h('span', null, category),
        suggested ? h('span', { className: 'tag' }, 'suggested') : null,
      );
      button.addEventListener('click', () => void decide(item.id, category));
      return button;
    });

    let accept = null;
    if (item.suggestion) {
      const category = item.suggestion.category;
      accept = h(
        'button',
        { type: 'button', className: 'btn btn-primary accept', id: 'accept', 'aria-keyshortcuts': 'Enter' },
        `Accept suggestion: ${category}`,
        h('kbd', { 'aria-hidden': 'true' }, 'Enter'),
      );
      accept.addEventListener('click', () => void decide(item.id, category));
    }

    const hint = h(
      'p',
      { className: 'hint', id: 'keys-hint' },
      h('kbd', null, '1'),
      '–',
      h('kbd', null, String(Math.max(keyed.length, 1))),
      ' decide · ',
      item.suggestion ? [h('kbd', null, 'Enter'), ' accept · '] : null,
      h('kbd', null, 'j'),
      ' ',
      h('kbd', null, 'k'),
      ' next / previous · ',
      h('kbd', null, 'n'),
      ' note · ',
      h('kbd', null, 'Esc'),
      ' leave the note',
    );

    return h(
      'section',
      { className: 'panel card decide', 'aria-labelledby': 'decide-title', 'aria-describedby': 'keys-hint' },
      h('h3', { id: 'decide-title' }, 'Your decision'),
      h('label', { for: 'note' }, 'Note (optional)'),
      note,
      h('div', { className: 'categories', role: 'group', 'aria-label': 'Categories' }, buttons),
      accept,
      h('p', { className: 'error', id: 'decide-error', role: 'alert', hidden: true }),
      hint,
    );
  }

  function setDeciding(on) {
    state.busy = on;
    for (const b of ui.detail.querySelectorAll('button')) b.disabled = on;
    ui.detail.setAttribute('aria-busy', on ? 'true' : 'false');
  }

  function showDecideError(message) {
    const node = document.getElementById('decide-error');
    if (!node) return toast(message, 'error');
    node.textContent = message;
    node.hidden = false;
  }

  async function decide(id, category) {
    const item = state.items.find((i) => i.id === id);
    if (!item || state.busy) return;
    const note = (state.drafts.get(id) ?? '').trim();
    setDeciding(true);
    try {
      const res = await api(`/v1/documents/${encodeURIComponent(id)}/review`, {
        method: 'POST',
        body: JSON.stringify(note ? { category, note } : { category }),
      });
      if (res.status === 200) {
        const doc = await res.json();
        const reviewer = doc?.result?.reviewer;
        if (reviewer && reviewer !== state.name) setName(reviewer);
        setDeciding(false);
        removeItem(id);
        toast(`Decided ${item.title ?? id}: ${doc?.result?.category ?? category} — by ${reviewer ?? 'you'}`);
      } else if (res.status === 409) {
        setDeciding(false);
        removeItem(id);
        toast(`${item.title ?? id}: someone else decided this already`, 'warn');
      } else if (res.status === 404) {
        setDeciding(false);
        removeItem(id);
        toast(`${item.title ?? id} no longer exists`, 'warn');
      } else if (res.status === 401 || res.status === 403) {
        setDeciding(false);
        showSignIn(authProblem(res.status, await errorMessage(res)));
      } else {
        const message = await errorMessage(res);
        setDeciding(false);
        showDecideError(res.status === 400 ? message : `The decision was not saved (${res.status}): ${message}`);
      }
    } catch (err) {
      setDeciding(false);
      showDecideError(`The decision was not saved: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  // ---- Keyboard ------------------------------------------------------------------------------------------

  function onKey(event) {
    if (!state.token || ui.queue.hidden || event.altKey || event.metaKey) return;
    const target = event.target instanceof HTMLElement ? event.target : undefined;
    const typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    const item = selected();
    if (typing) {
      if (event.key === 'Escape') target.blur();
      // Ctrl+Enter in the note accepts the suggestion, so a reviewer need not leave the keyboard.
      else if (event.key === 'Enter' && event.ctrlKey && item?.suggestion) {
        event.preventDefault();
        void decide(item.id, item.suggestion.category);
      }
      return;
    }
    if (event.ctrlKey || !item) return;
    if (/^[1-9]$/.test(event.key)) {
      const category = item.categories.slice(0, 9)[Number(event.key) - 1];
      if (category) {
        event.preventDefault();
        void decide(item.id, category);
      }
    } else if (event.key === 'Enter') {
      // Enter on a focused button or link activates it; elsewhere it accepts the suggestion.
      if (target?.closest('button, a') || !item.suggestion) return;
      event.preventDefault();
      void decide(item.id, item.suggestion.category);
    } else if (event.key === 'j' || (event.key === 'ArrowDown' && !target?.closest('pre'))) {
      event.preventDefault();
      move(1);
    } else if (event.key === 'k' || (event.key === 'ArrowUp' && !target?.closest('pre'))) {
      event.preventDefault();
      move(-1);
    } else if (event.key === 'n') {
      event.preventDefault();
      document.getElementById('note')?.focus();
    } else if (event.key === 'r') {
      event.preventDefault();
      void refresh({ announce: true });
    }
  }

  // ---- Start ---------------------------------------------------------------------------------------------

  ui.form.addEventListener('submit', (e) => void signIn(e));
  ui.signOut.addEventListener('click', signOut);
  ui.refresh.addEventListener('click', () => void refresh({ announce: true }));
  document.addEventListener('keydown', onKey);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) void refresh();
  });
  setInterval(() => {
    if (!document.hidden) void refresh();
  }, REFRESH_MS);
  setInterval(tickClock, CLOCK_MS);

  if (state.token) {
    showSession();
    void refresh();
  } else {
    showSignIn();
  }
})();
