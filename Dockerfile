# syntax=docker/dockerfile:1
# conflict-kg: build the seeds graph at image build time and serve it.
#   docker build -t conflict-kg .
#   docker run -p 8000:8000 -v kg-data:/data conflict-kg
#   docker run conflict-kg dask worker tcp://SCHEDULER:8786   (a worker for kg build --executor dask://…)
# No Docker engine runs on the project's machines: these steps are checked by running them
# in a clean venv (tests/test_dockerfile.py runs them; see also the issue notes).

# The query editor's assets come from the npm registry (pinned in tools/package.json), never a CDN.
FROM node:20-slim AS assets
WORKDIR /tools
RUN npm install --no-audit --no-fund --no-save @zazuko/yasgui@4.6.2

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY kg ./kg
COPY api ./api
COPY ontology ./ontology
COPY --from=assets /tools/node_modules/@zazuko/yasgui/build/yasgui.min.js \
     /tools/node_modules/@zazuko/yasgui/build/yasgui.min.css ./api/static/vendor/
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --upgrade pip \
 && /opt/venv/bin/pip install '.[model,dask]'
COPY seeds ./seeds
# The world gazetteer (GeoNames, built from the installed packages) is made here, once, not at first start.
ENV CKG_GAZETTEER=/opt/venv/share/conflict-kg/world.sqlite
RUN SOURCE_DATE_EPOCH=0 CKG_STORE=/opt/seed-store /opt/venv/bin/kg build seeds --quiet \
      --pack /opt/venv/share/conflict-kg/ontology/packs/nagorno-karabakh-2020.ttl

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    CKG_STORE=/data/store \
    CKG_GAZETTEER=/opt/venv/share/conflict-kg/world.sqlite \
    CKG_HOST=0.0.0.0 \
    CKG_PORT=8000 \
    PYTHONUNBUFFERED=1
RUN useradd --system --uid 10001 --home-dir /data ckg && mkdir -p /data && chown ckg /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=10001 /opt/seed-store /opt/seed-store
USER 10001
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/sparql?query=ASK%7B%7D', timeout=4)"]
# First start on an empty volume: copy the seeds store in, then serve.
CMD ["sh", "-c", "[ -d \"$CKG_STORE\" ] || cp -r /opt/seed-store \"$CKG_STORE\"; exec kg serve --host \"$CKG_HOST\" --port \"$CKG_PORT\""]
