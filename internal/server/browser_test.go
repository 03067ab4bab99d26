package server

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/server/browsertest"
)

// xssMessage would run script if the dashboard ever parsed a message as HTML.
const xssMessage = `container api is privileged <img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`

// TestDashboard drives the dashboard in a real headless Chromium: login, layer overview,
// findings, live updates over SSE, filters, detail, the history chart, and text-only rendering
// of hostile finding messages.
func TestDashboard(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	src := newFakeSource(examplePosture(), false)
	_, hs := newTestServer(t, src, func(o *Options) {
		o.History = fakeHistory{examplePoints(time.Now())}
		o.Heartbeat = 5 * time.Second
	})
	ctx := browsertest.Chromium(t)
	const wait = 10 * time.Second

	browsertest.Do(t, ctx, "wrong token", wait,
		chromedp.Navigate(hs.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), "not-the-token-0123456789"),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#login-error")),
	)
	browsertest.Do(t, ctx, "log in", wait,
		chromedp.Navigate(hs.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), testToken),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS(`#layers .layer[data-layer="kernel"]`)),
	)
	browsertest.WaitFor(t, ctx, "three findings", `document.querySelectorAll('#findings-body tr').length === 3`, wait)
	browsertest.WaitFor(t, ctx, "live indicator", `document.getElementById('live').textContent === 'live'`, wait)

	// Layers bottom-to-top: the kernel is drawn last, at the bottom.
	order := browsertest.Eval[string](t, ctx, `[...document.querySelectorAll('#layers .layer')].map(e => e.dataset.layer).join(',')`)
	if order != "cluster,node,network,workload,container,kernel" {
		t.Errorf("layer order = %s", order)
	}
	// The node layer's only check was not assessed: no score, never green.
	if s := browsertest.Eval[string](t, ctx, `document.querySelector('.layer[data-layer="node"] .score').textContent`); s != "not assessed" {
		t.Errorf("node score = %q", s)
	}
	if s := browsertest.Eval[string](t, ctx, `document.querySelector('.layer[data-layer="network"] .score').textContent`); s != "100.0 / 100" {
		t.Errorf("network score = %q", s)
	}
	if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('.layer[data-layer="node"] .seg.pass').length`); n != 0 {
		t.Error("not-assessed layer drawn with a pass segment")
	}
	if !browsertest.Eval[bool](t, ctx, `!document.getElementById('banner').hidden`) {
		t.Error("no incomplete-posture banner before sync")
	}
	if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('#history svg.chart polyline').length + 100 * document.querySelectorAll('#history svg.chart circle').length`); n != 606 {
		t.Errorf("history chart has %d (lines + 100 x points), want 6 lines and 6 points", n)
	}

	// A new finding appears without a reload; its hostile message is text.
	added := finding(mPriv, "shop", "api", xssMessage)
	src.push(posture.Event{Type: posture.EventNew, Finding: added})
	browsertest.WaitFor(t, ctx, "the pushed finding", `document.querySelectorAll('#findings-body tr').length === 4`, wait)
	msg := browsertest.Eval[string](t, ctx, `[...document.querySelectorAll('#findings-body td.message')].map(e => e.textContent).find(s => s.includes('container api'))`)
	if msg != xssMessage {
		t.Errorf("message rendered as %q", msg)
	}
	if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('#findings-body img, #findings-body script').length`); n != 0 {
		t.Errorf("message parsed as HTML: %d elements", n)
	}
	if v := browsertest.Eval[string](t, ctx, `String(window.__xss)`); v != "undefined" {
		t.Errorf("injected script ran: window.__xss = %s", v)
	}
	// The overview follows: the workload layer now has two critical findings.
	browsertest.WaitFor(t, ctx, "workload layer update", `document.querySelector('.layer[data-layer="workload"] .chip.critical').textContent === 'critical 2'`, wait)

	// Sync completes: the banner goes.
	src.setSynced(true)
	src.push()
	browsertest.WaitFor(t, ctx, "banner hidden after sync", `document.getElementById('banner').hidden`, wait)

	// Detail with evidence and the fix, pretty-printed.
	browsertest.Do(t, ctx, "open detail", wait,
		chromedp.Click(chromedp.CSS(`#findings-body tr[data-check="ST-0002"]`)),
		chromedp.WaitVisible(chromedp.CSS("#detail")),
	)
	fix := browsertest.Eval[string](t, ctx, `document.getElementById('d-fix').textContent`)
	if !strings.Contains(fix, "\n  {\n    \"op\": \"replace\"") || !strings.Contains(fix, `"value": false`) {
		t.Errorf("fix shown as %q", fix)
	}
	if p := browsertest.Eval[string](t, ctx, `document.getElementById('d-path').textContent`); p != added.Path {
		t.Errorf("path shown as %q", p)
	}

	// Filters.
	setFilter := func(id, v string) {
		t.Helper()
		browsertest.Eval[bool](t, ctx, `(() => { const e = document.getElementById('`+id+`'); e.value = `+jsString(v)+`; e.dispatchEvent(new Event('input')); return true })()`)
	}
	rows := func() int {
		return browsertest.Eval[int](t, ctx, `document.querySelectorAll('#findings-body tr').length`)
	}
	setFilter("f-layer", "container")
	if n := rows(); n != 1 {
		t.Errorf("layer=container shows %d rows", n)
	}
	setFilter("f-layer", "")
	setFilter("f-severity", "critical")
	if n := rows(); n != 2 {
		t.Errorf("severity>=critical shows %d rows", n)
	}
	setFilter("f-severity", "")
	setFilter("f-text", "<script>")
	if n := rows(); n != 1 {
		t.Errorf("text filter shows %d rows", n)
	}
	setFilter("f-text", "")
	setFilter("f-check", "no-default-deny")
	if n := rows(); n != 1 {
		t.Errorf("check filter shows %d rows", n)
	}
	setFilter("f-check", "")
	setFilter("f-namespace", "elsewhere")
	if n := rows(); n != 0 {
		t.Errorf("namespace filter shows %d rows", n)
	}
	setFilter("f-namespace", "")

	browsertest.Screenshot(t, ctx, "dashboard-unit.png")

	// A resolved finding disappears without a reload.
	src.push(posture.Event{Type: posture.EventResolved, Finding: added})
	browsertest.WaitFor(t, ctx, "the resolved finding gone", `document.querySelectorAll('#findings-body tr').length === 3`, wait)
	browsertest.WaitFor(t, ctx, "workload layer update", `document.querySelector('.layer[data-layer="workload"] .chip.critical').textContent === 'critical 1'`, wait)
}

// TestDashboardWithoutLedger checks that the chart says there is no history rather than
// drawing an empty one.
func TestDashboardWithoutLedger(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	_, hs := newTestServer(t, newFakeSource(examplePosture(), true), nil)
	ctx := browsertest.Chromium(t)
	browsertest.Do(t, ctx, "log in", 10*time.Second,
		chromedp.Navigate(hs.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#token"), testToken),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS(`#layers .layer`)),
	)
	browsertest.WaitFor(t, ctx, "no-ledger message", `document.getElementById('history').textContent.includes('without a ledger')`, 10*time.Second)
	if !browsertest.Eval[bool](t, ctx, `document.getElementById('banner').hidden`) {
		t.Error("banner shown for a synced posture")
	}
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`)
	return "'" + r.Replace(s) + "'"
}
