/** `GET /docs`: a self-contained page (no CDN, no external script) that renders /openapi.json. */

/** The HTML of the documentation page; its inline script fetches and lists the operations. */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Orquesta API</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 2rem; color: #1d1d1f; }
  h1 { margin-bottom: 0; } .intro { color: #555; }
  details { border: 1px solid #ddd; border-radius: 6px; margin: .4rem 0; }
  summary { cursor: pointer; padding: .45rem .7rem; font-family: ui-monospace, monospace; }
  .m { display: inline-block; width: 4.5rem; font-weight: 700; text-transform: uppercase; }
  .get { color: #0a6; } .post { color: #06c; } .put, .patch { color: #a60; } .delete { color: #c22; }
  .body { padding: 0 1rem 1rem; } .roles { color: #666; font-size: 13px; }
  pre { background: #f6f6f6; padding: .6rem; overflow: auto; font-size: 12.5px; max-height: 28rem; }
  h2 { border-bottom: 1px solid #eee; margin-top: 2rem; }
</style>
</head>
<body>
<h1>Orquesta API</h1>
<p class="intro">Rendered from <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<div id="doc">Loading…</div>
<script>
(async () => {
  const root = document.getElementById('doc');
  const doc = await (await fetch('/openapi.json')).json();
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    Object.assign(node, attrs || {});
    for (const c of children) node.append(c);
    return node;
  };
  const resolve = (schema) => {
    const seen = new Set();
    const walk = (s, depth) => {
      if (!s || typeof s !== 'object' || depth > 6) return s;
      if (s.$ref) {
        const name = s.$ref.split('/').pop();
        if (seen.has(name)) return { $ref: name };
        seen.add(name);
        const r = walk(doc.components.schemas[name], depth + 1);
        seen.delete(name);
        return r;
      }
      if (Array.isArray(s)) return s.map((x) => walk(x, depth + 1));
      return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, walk(v, depth + 1)]));
    };
    return walk(schema, 0);
  };
  const json = (v) => el('pre', { textContent: JSON.stringify(resolve(v), null, 2) });
  root.textContent = '';
  root.append(el('p', { textContent: doc.info.description }));
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  for (const [tag, ops] of byTag) {
    root.append(el('h2', { textContent: tag }));
    for (const { path, method, op } of ops) {
      const body = el('div', { className: 'body' });
      body.append(el('p', { textContent: op.summary || '' }));
      if (op.description) body.append(el('p', { className: 'roles', textContent: op.description }));
      if (op.parameters && op.parameters.length) {
        body.append(el('h4', { textContent: 'Parameters' }));
        body.append(json(op.parameters.map((p) => ({ in: p.in, name: p.name, required: !!p.required, schema: p.schema }))));
      }
      if (op.requestBody) {
        body.append(el('h4', { textContent: 'Request body' }));
        for (const [type, media] of Object.entries(op.requestBody.content)) {
          body.append(el('div', { textContent: type }), json(media.schema));
        }
      }
      body.append(el('h4', { textContent: 'Responses' }));
      for (const [status, resp] of Object.entries(op.responses || {})) {
        body.append(el('div', { textContent: status + ' — ' + resp.description }));
        const media = resp.content && Object.values(resp.content)[0];
        if (media && media.schema && Number(status) < 300) body.append(json(media.schema));
      }
      root.append(
        el('details', {},
          el('summary', {}, el('span', { className: 'm ' + method, textContent: method }), path),
          body),
      );
    }
  }
})().catch((e) => { document.getElementById('doc').textContent = 'Could not load /openapi.json: ' + e; });
</script>
</body>
</html>
`;
