// The query editor: YASGUI (served from /static/vendor) with the examples and canned queries as tabs.
// Loaded by /sparql (api/templates/sparql.html); kept out of the page so a strict CSP applies.
// The page gives the endpoint's absolute URL (YASGUI builds a URL from it), the predeclared prefixes
// (taught to the editor's syntax check, so ckg:… is not flagged) and the instance namespace (result
// IRIs in it link to this server's /id/ pages instead of leaving the site).
(function () {
  const config = JSON.parse(document.getElementById("editor-config").textContent);
  const Yasqe = window.Yasqe;
  const sparqlMode = Yasqe && Yasqe.modes && Yasqe.modes.sparql11;
  if (sparqlMode) {
    Yasqe.defineMode("sparql11", function (cmConfig, modeConfig) {
      const mode = sparqlMode(cmConfig, modeConfig);
      const startState = mode.startState;
      mode.startState = function () {
        const state = startState.apply(this, arguments);
        state.prefixes = Object.assign({}, config.prefixes, state.prefixes);
        return state;
      };
      return mode;
    });
  }
  const tabs = config.tabs;
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST",
                     acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    endpointCatalogueOptions: { getData: () => [{ endpoint: config.endpoint }] },
    yasqe: { value: tabs[0][1] },
    yasr: { prefixes: config.prefixes },
  });
  tabs.slice(1).forEach(([name, query]) => {
    yasgui.addTab(false, { ...Yasgui.Tab.getDefaults(), name: name, yasqe: { value: query } });
  });
  const first = yasgui.getTab();
  if (first) { first.setName(tabs[0][0]); }

  // Result IRIs in our namespace open our own page for them.
  const local = (href) => href && href.startsWith(config.base) ? "/id/" + href.slice(config.base.length) : null;
  const relink = (root) => {
    root.querySelectorAll("a[href]").forEach((a) => {
      const path = local(a.getAttribute("href"));
      if (path) { a.setAttribute("href", path); a.removeAttribute("target"); }
    });
  };
  // YASGUI's markup mended for assistive technology (what axe-core finds in it): a tab points only
  // at a panel that exists, every text field has a name, and the tab list holds tabs only (the
  // "add a tab" button is replaced by one just after it).
  const root = document.getElementById("yasgui");
  const mend = () => {
    root.querySelectorAll('[role="tab"][aria-controls]').forEach((tab) => {
      if (!document.getElementById(tab.getAttribute("aria-controls"))) { tab.removeAttribute("aria-controls"); }
    });
    root.querySelectorAll('[role="tab"] input[type="text"]:not([aria-label])').forEach((i) => {
      i.setAttribute("aria-label", "Tab name");
    });
    root.querySelectorAll("input.autocomplete:not([aria-label])").forEach((i) => {
      i.setAttribute("aria-label", "SPARQL endpoint");
    });
    root.querySelectorAll(".CodeMirror textarea:not([aria-label])").forEach((t) => {
      t.setAttribute("aria-label", "SPARQL query");
    });
    root.querySelectorAll(".tabsList > * > button.addTab").forEach((button) => {
      const holder = button.parentElement;  // stays where YASGUI inserts new tabs, but hidden
      holder.classList.add("ckg-hidden");
      const list = holder.parentElement;
      if (!(list.nextElementSibling && list.nextElementSibling.classList.contains("ckg-add-tab"))) {
        const add = document.createElement("button");
        add.type = "button";
        add.className = "ckg-add-tab";
        add.title = "Add tab";
        add.setAttribute("aria-label", "Add a new tab");
        add.textContent = "+";
        add.addEventListener("click", () => yasgui.addTab(true));
        list.after(add);
      }
    });
  };
  let pending = false;
  new MutationObserver((changes) => {
    changes.forEach((c) => c.addedNodes.forEach((n) => { if (n.querySelectorAll) { relink(n); } }));
    if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; mend(); }); }
  }).observe(root, { childList: true, subtree: true });
  mend();

  window.ckgEditor = yasgui;  // for the browser tests
})();
