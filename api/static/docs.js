// The API documentation: Swagger UI (served from /static/vendor, from the npm package swagger-ui-dist)
// over /openapi.json. Loaded by /docs (api/app.py); kept out of the page so the strict CSP applies.
(function () {
  window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
