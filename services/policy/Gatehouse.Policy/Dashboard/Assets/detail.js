// One image in full: decisions with reasons and trace links, signatures, findings with fix availability, workloads.
"use strict";
(() => {
  const { h, link, time } = window.gh;

  function table(testid, caption, headers, rows) {
    return h("div", { class: "scroll" },
      h("table", { "data-testid": testid },
        h("caption", {}, caption),
        h("thead", {}, h("tr", {}, headers.map(text => h("th", { scope: "col" }, text)))),
        h("tbody", {}, rows)));
  }

  function badge(status, extra) {
    return h("span", { class: "badge status-" + status, "data-testid": "decision-status" }, status, extra ? " " + extra : "");
  }

  function decisions(detail) {
    if (detail.decisions.length === 0) return h("p", {}, "No decision yet under any profile.");
    return table("detail-decisions", "Decision under each profile", ["Profile", "Decision", "Reasons", "Decided", "Trace"],
      detail.decisions.map(d => h("tr", { "data-profile": d.profile },
        h("th", { scope: "row" }, d.profile),
        h("td", {}, badge(d.status), d.current ? null : h("p", { class: "stale" }, "Not current: " + d.notCurrent)),
        h("td", {}, d.reasons.length === 0 ? "—" : h("ul", { class: "reasons" },
          d.reasons.map(r => h("li", { class: "effect-" + r.effect }, h("code", {}, r.code), " ", r.message)))),
        h("td", {}, time(d.decidedAt), d.validUntil ? h("br") : null, d.validUntil ? "valid until " + time(d.validUntil) : null),
        h("td", {}, d.traceUrl ? link(d.traceUrl, "trace " + d.traceId.slice(0, 8), { "data-testid": "trace-link" })
          : d.traceId ? h("code", { title: "no trace viewer configured (Gatehouse:Dashboard:TraceUrlTemplate)" }, d.traceId) : "—"))));
  }

  function signatures(detail) {
    const sig = detail.signature;
    const parts = [h("p", {}, "Status: ", h("strong", { class: "sig-" + sig.status, "data-testid": "signature-status" }, sig.status),
      sig.verifiedAt ? ` (verified ${time(sig.verifiedAt)}, ${sig.artifactsFound} signature artifact(s) found)` : "")];
    if (sig.signers.length > 0) {
      parts.push(table("detail-signers", "Verified signers", ["Kind", "Identity", "Issuer", "Signed", "Artifact"],
        sig.signers.map(signer => h("tr", {},
          h("td", {}, signer.kind),
          h("td", { "data-testid": "signer-identity" }, signer.subject || signer.keyId || "—"),
          h("td", {}, signer.issuer || "—"),
          h("td", {}, time(signer.signedAt)),
          h("td", {}, signer.artifactKind)))));
    }
    if (sig.failures.length > 0) {
      parts.push(h("ul", { class: "failures" }, sig.failures.map(f => h("li", {}, h("code", {}, f.code), " ", f.reason, " (", f.artifact, ")"))));
    }
    return parts;
  }

  function findings(detail) {
    const counts = detail.findings;
    const parts = [];
    if (!counts) return h("p", {}, "Not scanned for vulnerabilities yet.");
    parts.push(h("p", {}, `Critical ${counts.critical} · High ${counts.high} · Medium ${counts.medium} · Low ${counts.low} · Unknown ${counts.unknown}`,
      ` — fixable critical ${counts.fixableCritical}, fixable high ${counts.fixableHigh}; evaluated ${time(counts.evaluatedAt)}`,
      counts.notEvaluated > 0 ? `; ${counts.notEvaluated} package(s) could not be evaluated` : ""));
    if (detail.findingsProblem) parts.push(h("p", { class: "error" }, detail.findingsProblem));
    if (detail.findingList.length === 0) {
      if (!detail.findingsProblem) parts.push(h("p", {}, "No affecting findings."));
      return parts;
    }
    parts.push(table("detail-findings", "Findings, most severe first", ["Advisory", "Severity", "Package", "Installed", "Fixed in", "Fix available"],
      detail.findingList.map(f => h("tr", { "data-testid": "finding-row" },
        h("th", { scope: "row" }, f.id, f.aliases.length > 0 ? h("span", { class: "aliases" }, " (" + f.aliases.join(", ") + ")") : null),
        h("td", {}, h("span", { class: "badge sev-" + f.severity }, f.severity)),
        h("td", {}, f.package),
        h("td", {}, f.installedVersion),
        h("td", {}, f.fixedVersions.length > 0 ? f.fixedVersions.join(", ") : "—"),
        h("td", { "data-testid": "fix-available" }, f.fixAvailable ? "yes" : "no")))));
    if (detail.findingsTruncated) parts.push(h("p", {}, `Only the ${detail.findingList.length} most severe findings are shown.`));
    return parts;
  }

  function workloads(detail) {
    if (detail.workloads.length === 0) return h("p", {}, "Not running anywhere the inventory knows of.");
    return table("detail-workloads", "Workloads running this image", ["Namespace", "Workload", "Pod", "Container", "Node", "Since"],
      detail.workloads.map(w => h("tr", {},
        h("td", {}, w.namespace), h("td", {}, `${w.ownerKind}/${w.ownerName}`), h("td", {}, w.pod),
        h("td", {}, w.container), h("td", {}, w.node || "—"), h("td", {}, time(w.since)))));
  }

  /** Fills the detail section with one image. */
  function render(section, detail) {
    const title = detail.name || detail.digest;
    // h() flattens the arrays the section builders return; replaceChildren() would print them as text.
    section.replaceChildren(...h("div", {},
      h("h2", { id: "detail-title", "data-testid": "detail-title" }, title),
      h("p", {}, h("code", { "data-testid": "detail-digest" }, detail.digest)),
      detail.tags.length > 0 ? h("p", {}, "Pushed as: ", detail.tags.join(", ")) : null,
      detail.sbom ? h("p", {}, `SBOM: ${detail.sbom.componentCount} components, generated ${time(detail.sbom.generatedAt)}`) : h("p", {}, "No SBOM yet."),
      h("h3", {}, "Decisions"), decisions(detail),
      h("h3", {}, "Signatures"), signatures(detail),
      h("h3", {}, "Findings"), findings(detail),
      h("h3", {}, "Running"), workloads(detail),
      detail.failures.length > 0 ? h("h3", {}, "Analysis failures") : null,
      detail.failures.length > 0 ? h("ul", {}, detail.failures.map(f => h("li", {}, `${f.facet}: ${f.reason} (${time(f.failedAt)})`))) : null,
      h("button", { type: "button", class: "close", "data-testid": "detail-close" }, "Close")).childNodes);
    section.hidden = false;
    section.querySelector(".close").addEventListener("click", () => { section.hidden = true; });
    section.focus();
  }

  window.ghDetail = { render };
})();
