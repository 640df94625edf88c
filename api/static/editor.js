// The query editor: YASGUI (served from /static/vendor) with the examples and canned queries as tabs.
// Loaded by /sparql (api/templates/sparql.html); kept out of the page so a strict CSP applies.
(function () {
  const examples = JSON.parse(document.getElementById("examples").textContent);
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: "/sparql", method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    yasqe: { value: examples[0][1] },
  });
  examples.slice(1).forEach(([name, query]) => {
    yasgui.addTab(false, { ...Yasgui.Tab.getDefaults(), name: name, yasqe: { value: query } });
  });
  const first = yasgui.getTab();
  if (first) { first.setName(examples[0][0]); }
})();
