// The dashboard page: session, charts, images and decisions, the where-query and break-glass uses.
// All data arrives as JSON from /api and is put on the page as text (see dom.js).
"use strict";
(() => {
  const { h, time, shortDigest, api, show, ApiError } = window.gh;
  const charts = window.ghCharts;
  const SEVERITIES = ["critical", "high", "medium", "low", "unknown"];
  const state = { offset: 0, limit: 25, total: 0, q: "", status: "" };
  const byId = id => document.getElementById(id);

  function failed(target, error) {
    if (error instanceof ApiError && error.message === "signed out") return;
    show(target, error.message);
  }

  async function loadSession() {
    const session = await api("/api/dashboard/session");
    byId("session-user").textContent = session.auth === "none" ? "Authentication off (demo)" : "Signed in: " + session.user;
    byId("logout-form").hidden = session.auth === "none";
  }

  async function loadImpact() {
    const impact = await api("/api/dashboard/impact");
    const times = impact.snapshots.map(snapshot => snapshot.at);
    charts.lineChart(byId("chart-findings"), "Findings in running images by severity over time", times,
      SEVERITIES.map(severity => ({
        key: severity, label: severity, cls: "sev-" + severity,
        values: impact.snapshots.map(snapshot => snapshot.findingsBySeverity[severity] || 0),
      })));
    charts.lineChart(byId("chart-denied"), "Workloads running a denied image over time, by profile", times,
      impact.profiles.map((profile, i) => ({
        key: profile, label: profile, cls: "series-" + (i % 6),
        values: impact.snapshots.map(snapshot => snapshot.deniedRunningByProfile[profile] || 0),
      })));
    const latest = impact.snapshots[impact.snapshots.length - 1];
    charts.barChart(byId("chart-running"), "Running images by worst severity now",
      latest ? impact.severities.map(severity => ({
        key: severity, label: severity, cls: "sev-" + severity, value: latest.runningImagesBySeverity[severity] || 0,
      })) : []);
  }

  function decisionCell(decision) {
    if (!decision) return h("td", { "data-testid": "decision" }, "—");
    return h("td", { "data-testid": "decision", "data-status": decision.status },
      h("span", { class: "badge status-" + decision.status }, decision.status),
      decision.current ? null : h("span", { class: "stale", title: "admission would not use this decision: a new one is due" }, " (stale)"));
  }

  function findingsCell(image) {
    if (!image.findings) return h("td", {}, "not scanned");
    const f = image.findings;
    return h("td", {}, h("span", { class: "badge sev-" + image.worstSeverity }, image.worstSeverity), ` C ${f.critical} · H ${f.high} · M ${f.medium} · L ${f.low}`);
  }

  async function loadImages() {
    const params = new URLSearchParams({ offset: String(state.offset), limit: String(state.limit) });
    if (state.q) params.set("q", state.q);
    if (state.status) params.set("status", state.status);
    const page = await api("/api/dashboard/images?" + params);
    state.total = page.total;
    byId("images-head").replaceChildren(
      h("th", { scope: "col" }, "Image"), h("th", { scope: "col" }, "Digest"),
      ...page.profiles.map(profile => h("th", { scope: "col" }, "Decision: " + profile)),
      h("th", { scope: "col" }, "Findings"), h("th", { scope: "col" }, "Signature"), h("th", { scope: "col" }, "Running"),
      h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Details")));
    byId("images-body").replaceChildren(...page.images.map(image => {
      const details = h("button", { type: "button", "data-testid": "image-details" }, "Details");
      details.addEventListener("click", () => openDetail(image.digest));
      return h("tr", { "data-testid": "image-row", "data-digest": image.digest },
        h("th", { scope: "row" }, image.name || "(unnamed)", image.tags.length > 0 ? h("div", { class: "tags" }, image.tags.join(", ")) : null),
        h("td", {}, h("code", { title: image.digest }, shortDigest(image.digest))),
        page.profiles.map(profile => decisionCell(image.decisions[profile])),
        findingsCell(image),
        h("td", { class: "sig-" + image.signature }, image.signature),
        h("td", { "data-testid": "running" }, String(image.running)),
        h("td", {}, details));
    }));
    if (page.images.length === 0) {
      byId("images-body").append(h("tr", {}, h("td", { colspan: String(page.profiles.length + 6) }, "No image matches.")));
    }
    byId("images-range").textContent = page.total === 0 ? "0 images"
      : `${page.offset + 1}–${page.offset + page.images.length} of ${page.total} images`;
    byId("images-prev").disabled = state.offset === 0;
    byId("images-next").disabled = state.offset + page.images.length >= page.total;
  }

  async function openDetail(digest) {
    try {
      const detail = await api("/api/dashboard/images/" + encodeURIComponent(digest));
      window.ghDetail.render(byId("image-detail"), detail);
    } catch (error) {
      failed(byId("page-error"), error);
    }
  }

  // The where answer comes a page at a time (running images first); "Show more" appends the next page. The page
  // size is the section's data-page-size.
  // Only the newest request's answer is shown: a search started while a page loads replaces it, and "Show more" waits.
  const whereState = { query: "", next: 0, request: 0 };

  async function where(query, more) {
    show(byId("where-error"), "");
    const section = byId("where");
    const moreButton = byId("where-more");
    const pageSize = Number(section.dataset.pageSize) || 100;
    const request = ++whereState.request;
    if (!more) moreButton.hidden = true;
    moreButton.disabled = true;
    const params = new URLSearchParams({ q: query, offset: String(more ? whereState.next : 0), limit: String(pageSize) });
    let result;
    try {
      result = await api("/api/where?" + params);
    } finally {
      if (request === whereState.request) moreButton.disabled = false;
    }
    if (request !== whereState.request) return;
    const rows = [];
    const idle = [];
    for (const image of result.images) {
      if (image.workloads.length === 0) {
        idle.push(h("li", { "data-testid": "where-idle-image" }, `${image.package} ${image.version} in `, h("code", { title: image.digest }, shortDigest(image.digest))));
        continue;
      }
      for (const w of image.workloads) {
        rows.push(h("tr", { "data-testid": "where-row", "data-digest": image.digest },
          h("td", { "data-testid": "where-namespace" }, w.namespace),
          h("td", { "data-testid": "where-workload" }, `${w.ownerKind}/${w.ownerName}`),
          h("td", { "data-testid": "where-pod" }, w.pod),
          h("td", {}, w.container),
          h("td", {}, w.node || "—"),
          h("td", {}, image.package),
          h("td", {}, image.version),
          h("td", {}, h("code", { title: image.digest }, shortDigest(image.digest)))));
      }
    }
    const body = byId("where-body");
    const idleList = byId("where-idle-list");
    if (more) {
      body.append(...rows);
      idleList.append(...idle);
    } else {
      body.replaceChildren(...rows);
      idleList.replaceChildren(...idle);
    }
    whereState.query = result.query;
    whereState.next = result.offset + result.images.length;
    byId("where-results").hidden = body.children.length === 0;
    byId("where-idle").hidden = idleList.children.length === 0;
    const shown = whereState.next;
    const uncomparable = result.uncomparable.length > 0 ? ` ${result.uncomparable.length} version(s) could not be compared with the range.` : "";
    byId("where-summary").textContent = result.total === 0
      ? `No indexed image contains ${result.query}.${uncomparable}`
      : `${result.imageCount} image(s) contain it; ${result.workloads} workload(s) in ${result.runningImages} running image(s).${uncomparable}`
        + (shown < result.total ? ` Showing ${shown} of ${result.total} package matches.` : "");
    moreButton.hidden = shown >= result.total;
    moreButton.textContent = `Show ${Math.min(pageSize, result.total - shown)} more`;
    section.dataset.query = result.query;
    section.dataset.shown = String(shown);
  }

  async function loadBreakGlass() {
    const page = await api("/api/dashboard/break-glass");
    byId("break-glass-summary").textContent = page.total === 0 ? "No break-glass use recorded."
      : `${page.uses.length} most recent of ${page.total} recorded use(s).`;
    byId("break-glass-body").replaceChildren(...page.uses.map(use => h("tr", { "data-testid": "break-glass-row" },
      h("td", {}, time(use.usedAt)), h("td", {}, use.user), h("td", {}, use.namespace), h("td", {}, use.object),
      h("td", {}, use.image, h("div", { class: "tags" }, h("code", { title: use.digest }, shortDigest(use.digest)))),
      h("td", {}, use.profile), h("td", {}, use.ticket || "—"), h("td", {}, use.reason),
      h("td", {}, time(use.expiresAt)), h("td", {}, use.denial))));
  }

  function wire() {
    byId("images-form").addEventListener("submit", event => {
      event.preventDefault();
      state.q = byId("images-filter").value.trim();
      state.status = byId("images-status").value;
      state.offset = 0;
      loadImages().then(() => show(byId("images-error"), ""), error => failed(byId("images-error"), error));
    });
    byId("images-prev").addEventListener("click", () => {
      state.offset = Math.max(0, state.offset - state.limit);
      loadImages().catch(error => failed(byId("images-error"), error));
    });
    byId("images-next").addEventListener("click", () => {
      state.offset += state.limit;
      loadImages().catch(error => failed(byId("images-error"), error));
    });
    byId("where-form").addEventListener("submit", event => {
      event.preventDefault();
      const query = byId("where-input").value.trim();
      if (query) where(query).catch(error => failed(byId("where-error"), error));
    });
    byId("where-more").addEventListener("click", () => {
      where(whereState.query, true).catch(error => failed(byId("where-error"), error));
    });
  }

  document.addEventListener("DOMContentLoaded", async () => {
    wire();
    try {
      await loadSession();
    } catch (error) {
      failed(byId("page-error"), error);
      return;
    }
    const loads = [
      loadImpact().catch(error => failed(byId("page-error"), error)),
      loadImages().catch(error => failed(byId("images-error"), error)),
      loadBreakGlass().catch(error => failed(byId("page-error"), error)),
    ];
    await Promise.all(loads);
    document.body.dataset.loaded = "true";
  });
})();
