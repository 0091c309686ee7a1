package io.unlearn.registry.http;

/**
 * The registry's one web page: plain HTML and {@code fetch} against the REST API, no build step. Lists models with
 * their versions and aliases, looks up a deletion request, and runs the lineage check.
 */
final class WebPage {

    static final String HTML = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Model registry</title>
            <style>
              body { font-family: system-ui, sans-serif; margin: 2em; max-width: 70em; }
              table { border-collapse: collapse; margin: .5em 0 1.5em; }
              td, th { border: 1px solid #ccc; padding: .25em .6em; text-align: left; font-size: .9em; }
              code, pre { font-family: ui-monospace, monospace; font-size: .85em; }
              .PASSED { color: #060; } .FAILED { color: #a00; } .CANDIDATE { color: #960; }
              pre { background: #f6f6f6; padding: .6em; overflow: auto; }
            </style>
            </head>
            <body>
            <h1>Model registry</h1>
            <form id="lookup">Deletion request: <input id="requestId" size="40" placeholder="request id">
              <button>Look up</button></form>
            <pre id="request" hidden></pre>
            <p><button id="verify">Verify lineage</button> <span id="verdict"></span></p>
            <div id="models">Loading…</div>
            <script>
            const esc = s => String(s ?? '').replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
            const get = async url => { const r = await fetch(url); return [r.status, await r.json()]; };
            async function load() {
              const [, models] = await get('/models');
              if (!models.length) { document.getElementById('models').textContent = 'No models registered (POST /models).'; return; }
              let html = '';
              for (const m of models) {
                const [, versions] = await get('/models/' + encodeURIComponent(m.modelId) + '/versions');
                const aliases = Object.entries(m.aliases).map(([a, v]) => esc(a) + ' → ' + esc(v)).join(', ') || 'none';
                html += '<h2>' + esc(m.modelId) + ' <small>(' + esc(m.family) + ')</small></h2>'
                  + '<p>current version <code>' + esc(m.currentVersionId) + '</code>; aliases: ' + aliases + '</p>'
                  + '<table><tr><th>version</th><th>parent</th><th>batch</th><th>status</th><th>requests</th><th>artifact</th></tr>'
                  + versions.map(v => '<tr><td><code>' + esc(v.versionId) + '</code></td><td><code>' + esc(v.parentVersionId)
                    + '</code></td><td>' + esc(v.batchId) + '</td><td class="' + v.status + '">' + v.status + '</td><td>'
                    + esc(v.requestIds.join(', ')) + '</td><td><code>' + esc((v.artifactDigest || '').slice(0, 12)) + '</code></td></tr>').join('')
                  + '</table>';
              }
              document.getElementById('models').innerHTML = html;
            }
            document.getElementById('lookup').onsubmit = async e => {
              e.preventDefault();
              const id = document.getElementById('requestId').value.trim();
              if (!id) return;
              const [, body] = await get('/requests/' + encodeURIComponent(id));
              const out = document.getElementById('request');
              out.hidden = false; out.textContent = JSON.stringify(body, null, 2);
            };
            document.getElementById('verify').onclick = async () => {
              const [, body] = await get('/lineage/verify');
              document.getElementById('verdict').textContent = body.status === 'OK'
                ? 'OK: ' + body.checkedEvents + ' events of ' + body.checkedModels + ' models check out'
                : 'BROKEN: ' + body.break.modelId + ' #' + body.break.sequence + ' (' + (body.break.versionId || '') + '): ' + body.break.problem;
            };
            load();
            </script>
            </body>
            </html>
            """;

    private WebPage() {
    }
}
