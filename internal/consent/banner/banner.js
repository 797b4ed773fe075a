/* Garde consent banner. The server prepends the site's configuration as
   C = {s: site id, e: events URL, k: stylesheet URL, v: notice version,
   m: months a choice holds, p: policy URL, c: purposes asked, t: texts by
   language}. It sets one first-party cookie, posts each choice to the
   ledger and sends nothing else. */
(function (C) {
  var d = document, w = window, N = "garde_consent", OPT = ["marketing", "sale_sharing"];
  var lang = (d.documentElement.lang || "en").slice(0, 2).toLowerCase();
  var t = C.t[lang] || C.t.en;
  var gpc = navigator.globalPrivacyControl === true;
  var asked = C.c.filter(function (p) { return p != "necessary"; });
  var box, dlg;

  w.dataLayer = w.dataLayer || [];
  function gtag() { w.dataLayer.push(arguments); }
  function signals(g) {
    function s(p) { return g.indexOf(p) < 0 ? "denied" : "granted"; }
    return { ad_storage: s("marketing"), ad_user_data: s("marketing"), ad_personalization: s("marketing"),
      analytics_storage: s("analytics"), functionality_storage: s("preferences"),
      personalization_storage: s("preferences"), security_storage: "granted" };
  }
  var def = signals([]);
  def.wait_for_update = 500;
  gtag("consent", "default", def);

  /* Cookie: notice~seconds of the choice (0: none yet)~device~granted purposes */
  function read() {
    var m = d.cookie.match(/(?:^|; )garde_consent=([^;]*)/), f = m ? decodeURIComponent(m[1]).split("~") : [];
    return f.length == 4 ? { v: f[0], at: +f[1], id: f[2], g: f[3] ? f[3].split(".") : [] } : null;
  }
  /* Device: 12 hex of time, 80 random bits; new ones append to the ledger's index. */
  function hex() {
    var a = new Uint8Array(10), s = (Date.now() + 2 ** 44).toString(16);
    crypto.getRandomValues(a);
    for (var i = 0; i < 10; i++) s += (a[i] + 256).toString(16).slice(1);
    return s;
  }
  var st = read() || { v: "", at: 0, id: hex(), g: [] };
  function save() {
    d.cookie = N + "=" + encodeURIComponent([st.v, st.at, st.id, st.g.join(".")].join("~")) + "; Path=/; Max-Age=" +
      Math.round(C.m * 2629800) + "; SameSite=Lax" + (location.protocol == "https:" ? "; Secure" : "");
  }
  function post(g, r, method, source) {
    fetch(C.e, { method: "POST", mode: "cors", credentials: "omit", keepalive: true,
      body: JSON.stringify({ device_id: st.id, granted: g, refused: r, method: method, source: source,
        notice_version: C.v, language: d.documentElement.lang || "", gpc: gpc }) }).catch(function () {});
  }
  /* Runs the scripts of granted purposes, once each. */
  function run() {
    d.querySelectorAll('script[type="text/plain"][data-garde-category]').forEach(function (o) {
      if (st.g.indexOf(o.getAttribute("data-garde-category")) < 0) return;
      var n = d.createElement("script");
      for (var i = 0; i < o.attributes.length; i++) {
        var a = o.attributes[i];
        if (a.name != "type" && a.name != "data-garde-category") n.setAttribute(a.name, a.value);
      }
      n.text = o.text;
      o.parentNode.replaceChild(n, o);
    });
  }
  function choose(g) {
    if (gpc) g = g.filter(function (p) { return OPT.indexOf(p) < 0; });
    st.v = C.v;
    st.at = Math.floor(Date.now() / 1000);
    st.g = g;
    save();
    post(g, asked.filter(function (p) { return g.indexOf(p) < 0; }), "express", "banner");
    gtag("consent", "update", signals(g));
    close();
    run();
  }
  function el(tag, attrs, text) {
    var e = d.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text) e.textContent = text;
    return e;
  }
  function btn(label, fn) {
    var b = el("button", { type: "button", "class": "gb-btn" }, label);
    b.onclick = fn;
    return b;
  }
  function close() {
    if (dlg && dlg.open) dlg.close();
    if (box) box.remove();
    box = dlg = null;
  }
  function prefs() {
    dlg = el("dialog", { "class": "gb-dlg", "aria-labelledby": "gb-dt" });
    dlg.appendChild(el("h2", { id: "gb-dt" }, t.dialog_title));
    C.c.forEach(function (p) {
      var row = el("div", { "class": "gb-row" }), id = "gb-p-" + p;
      var c = el("input", { type: "checkbox", id: id, name: p, "aria-describedby": id + "-h" });
      if (p == "necessary") { c.checked = true; c.disabled = true; }
      if (gpc && OPT.indexOf(p) >= 0) c.disabled = true;
      row.appendChild(c);
      row.appendChild(el("label", { "for": id }, (t.purposes[p] || [p])[0] + (p == "necessary" ? " (" + t.always_on + ")" : "")));
      row.appendChild(el("p", { id: id + "-h" }, (t.purposes[p] || ["", ""])[1]));
      dlg.appendChild(row);
    });
    var b = el("div", { "class": "gb-bar" });
    b.appendChild(btn(t.refuse_all, function () { choose([]); }));
    b.appendChild(btn(t.save, function () {
      choose(asked.filter(function (p) { var c = d.getElementById("gb-p-" + p); return c && c.checked; }));
    }));
    b.appendChild(btn(t.accept_all, function () { choose(asked.slice()); }));
    dlg.appendChild(b);
    dlg.addEventListener("cancel", function (e) { e.preventDefault(); dlg.close(); dlg.remove(); dlg = null; });
    /* Tab from the last control comes back to the first, and the reverse. */
    dlg.addEventListener("keydown", function (e) {
      if (e.key != "Tab") return;
      var f = dlg.querySelectorAll("input:not([disabled]),button"), a = f[0], z = f[f.length - 1];
      if (e.shiftKey ? d.activeElement == a : d.activeElement == z) { e.preventDefault(); (e.shiftKey ? z : a).focus(); }
    });
    d.body.appendChild(dlg);
    dlg.showModal();
  }
  function show() {
    close();
    box = el("div", { "class": "gb", role: "region", "aria-label": t.title, lang: lang in C.t ? lang : "en" });
    box.appendChild(el("p", { "class": "gb-t" }, t.title));
    box.appendChild(el("p", {}, t.text));
    if (gpc) box.appendChild(el("p", { "class": "gb-gpc" }, t.gpc));
    var b = el("div", { "class": "gb-bar" });
    b.appendChild(btn(t.refuse_all, function () { choose([]); }));
    b.appendChild(btn(t.accept_all, function () { choose(asked.slice()); }));
    b.appendChild(btn(t.choose, prefs));
    box.appendChild(b);
    if (C.p) box.appendChild(el("a", { href: C.p }, t.policy));
    d.body.appendChild(box);
    box.querySelector("button").focus();
  }

  d.head.appendChild(el("link", { rel: "stylesheet", href: C.k }));
  var valid = st.v == C.v && st.at > 0 && Date.now() / 1000 - st.at < C.m * 2629800;
  if (gpc && (!read() || st.g.some(function (p) { return OPT.indexOf(p) >= 0; }))) {
    /* Refusal of sale, sharing and marketing, recorded without asking,
       once, or again if an earlier choice had granted them. */
    st.g = st.g.filter(function (p) { return OPT.indexOf(p) < 0; });
    save();
    post([], OPT.filter(function (p) { return C.c.indexOf(p) >= 0; }), "opt_out", "gpc");
  }
  if (valid) {
    gtag("consent", "update", signals(st.g));
    run();
  }
  var here = location.href.split("#")[0];
  if (!valid || (C.p && (here == C.p || location.pathname == C.p))) show();
  d.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-garde-open]")) { e.preventDefault(); show(); }
  });
})(
